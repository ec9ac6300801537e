// Worker-thread bootstrap: Node 20 does not pass tsx's module hooks on to workers, so register them here
// and then load the TypeScript worker module named in workerData.__file.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
register();
await import(workerData.__file);
