import { boot } from './boot.js';

await boot({ api: false, worker: true });
