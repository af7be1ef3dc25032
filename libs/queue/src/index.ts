export * from './job-queue';
export * from './create-job-queue';
export * from './queue.module';
