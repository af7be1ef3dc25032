/** The one error shape every 4xx/5xx of the API has. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  /** What went wrong, starting with the field when one is at fault. */
  message: string;
  /** Dotted path of the offending input, e.g. `constraints[0].device`. */
  field?: string;
  code?: string;
  /** Every problem when validation found several. */
  errors?: Array<{ field: string; message: string }>;
  details?: Record<string, unknown>;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const reason = (status: number): string => REASONS[status] ?? 'Error';
