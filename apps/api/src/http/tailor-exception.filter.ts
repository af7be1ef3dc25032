import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { TailorError, type TailorErrorCode } from '@tailor/common';
import type { Response } from 'express';
import { type ErrorBody, reason } from './error-body';

const STATUS: Record<TailorErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/** Maps library errors to HTTP; anything unknown is logged and answered 500 without internals. */
@Catch()
export class TailorExceptionFilter implements ExceptionFilter {
  private readonly log = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (body.statusCode === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof TailorError) {
      const statusCode = STATUS[exception.code] ?? 500;
      if (statusCode >= 500) this.log.error(exception.message, exception.stack);
      return {
        statusCode,
        error: reason(statusCode),
        message: exception.message,
        field: exception.field,
        code: exception.code,
        details: exception.details as Record<string, unknown> | undefined,
      };
    }
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const raw = exception.getResponse();
      if (typeof raw === 'object' && raw && 'errors' in raw) return { ...(raw as ErrorBody), statusCode };
      const message =
        typeof raw === 'string'
          ? raw
          : Array.isArray((raw as { message?: unknown }).message)
            ? (raw as { message: string[] }).message.join('; ')
            : String((raw as { message?: unknown }).message ?? exception.message);
      return { statusCode, error: reason(statusCode), message };
    }
    this.log.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: 500, error: reason(500), message: 'internal error; see the server log' };
  }
}
