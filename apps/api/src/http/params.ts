import { ParseUUIDPipe } from '@nestjs/common';

/** `:id` path parameters of stored things: anything that is not a v4 uuid cannot exist, so 404. */
export const uuidParam = new ParseUUIDPipe({ version: '4', errorHttpStatusCode: 404 });
