// The one error type of the data layer: a message a user can act on (it names the file and the
// numbers), and a code the runtime can turn into an `error` event without parsing the text.

export type DataErrorCode =
  | 'missing' // a file or folder that does not exist
  | 'unreadable' // a file that exists but cannot be read or decoded
  | 'format' // a file that reads but is not what its source says (not IDX, wrong columns, …)
  | 'size' // samples of different sizes, or a sample shape that the model cannot take
  | 'count' // images and labels that do not pair up
  | 'label' // a label outside the model's classes
  | 'value' // a feature that is not a number
  | 'config'; // a source or option that cannot be applied (pad on CSV rows, no shape, …)

export class DataError extends Error {
  override readonly name = 'DataError';
  constructor(
    readonly code: DataErrorCode,
    message: string,
    /** The file or folder the error is about, when there is one. */
    readonly path?: string,
  ) {
    super(message);
  }
}

export function isDataError(error: unknown): error is DataError {
  return error instanceof DataError;
}
