/** Where the worker lives and what it controls: the phone page (services/web/paths.ts names the built file). */
export const SERVICE_WORKER_URL = '/sw.js';
export const PHONE_SCOPE = '/m';
