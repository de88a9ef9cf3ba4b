// The Python the torch engine runs under when the `netlens.training.pythonPath` setting is empty:
// the interpreter selected in the Python extension, through its public API package. Without that
// extension (or with no interpreter selected) the CLI's own search runs: NETLENS_PYTHON, python3.
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';

export async function interpreterFor(resource: vscode.Uri, log: vscode.OutputChannel): Promise<string | undefined> {
  if (!vscode.extensions.getExtension('ms-python.python')) return undefined;
  try {
    const api = await PythonExtension.api();
    const active = api.environments.getActiveEnvironmentPath(resource);
    const resolved = await api.environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath;
  } catch (error) {
    log.appendLine(`the Python extension did not give an interpreter (${String(error)}); using NETLENS_PYTHON or python3`);
    return undefined;
  }
}
