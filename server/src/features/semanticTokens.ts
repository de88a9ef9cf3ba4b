// Semantic tokens for layers, blocks, parameters and keywords.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { Analysis } from '../language/index';

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = { tokenTypes: [], tokenModifiers: [] };

export function provideSemanticTokens(_analysis: Analysis): SemanticTokens {
  return { data: [] };
}
