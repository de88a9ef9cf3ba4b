// Signature help while typing a layer's or block's arguments.
import type { Position, SignatureHelp } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export function provideSignatureHelp(_analysis: Analysis, _position: Position): SignatureHelp | null {
  return null;
}
