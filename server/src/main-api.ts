import { boot } from './boot.js';

await boot({ api: true, worker: false });
