/** An AWS JSON error answer: the wire `__type`, its message and HTTP status. */
export class AwsError extends Error {
  constructor(readonly type: string, message: string, readonly status = 400, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

export const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);
export const serialization = (message: string) => new AwsError('SerializationException', message);
