import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Each test starts on an empty page (Testing Library cleans up by itself only with globals on).
afterEach(cleanup);
