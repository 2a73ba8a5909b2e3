// Reads a saved JSON result, with a clear error for a file that is not one.
import { readUserFile, UsageError } from '../errors.ts';
import { COMPARE_SCHEMA, type CompareResult } from '../run/compare.ts';
import { RESULT_SCHEMA, type RunResult } from '../run/result.ts';

export function loadResult(file: string): RunResult {
  return loadReport(file, [RESULT_SCHEMA]) as RunResult;
}

/** A run or verify report (conformance.json) or, where `schemas` allows it, a compare report (compare.json). */
export function loadReport(file: string, schemas: string[] = [RESULT_SCHEMA, COMPARE_SCHEMA]): RunResult | CompareResult {
  const text = readUserFile(file, 'BAD_REPORT');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new UsageError(`${file} is not JSON`, 'BAD_REPORT');
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  if (typeof schema !== 'string' || !schemas.includes(schema)) {
    throw new UsageError(`${file} is not an ecr-conformance ${schemas.length > 1 ? 'report or comparison' : 'report'} (schema ${JSON.stringify(schema)}, expected ${schemas.join(' or ')})`, 'BAD_REPORT');
  }
  return doc as RunResult | CompareResult;
}
