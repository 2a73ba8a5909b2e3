// Reads a saved JSON result, with a clear error for a file that is not one.
import { readUserFile, UsageError } from '../errors.ts';
import { RESULT_SCHEMA, type RunResult } from '../run/result.ts';

export function loadResult(file: string): RunResult {
  const text = readUserFile(file, 'BAD_REPORT');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON`, 'BAD_REPORT');
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  if (schema !== RESULT_SCHEMA) throw new UsageError(`${file} is not an ecr-conformance report (schema ${JSON.stringify(schema)}, expected ${RESULT_SCHEMA})`, 'BAD_REPORT');
  return doc as RunResult;
}
