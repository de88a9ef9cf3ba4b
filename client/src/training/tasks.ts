// The `netlens` task type: `tasks.json` can run `netlens check`, `summary` or `train` on a file,
// as a process (never through a shell), with the `$netlens` problem matcher reading check's
// "file:line:col: severity NNxxx: message" lines into the Problems panel.
import * as vscode from 'vscode';
import { taskArgs, type NetlensTaskDefinition } from './cli';

export const TASK_TYPE = 'netlens';

export function registerTasks(context: vscode.ExtensionContext): vscode.Disposable {
  const script = context.asAbsolutePath('dist/netlens.js');
  const build = (definition: NetlensTaskDefinition, scope: vscode.WorkspaceFolder | vscode.TaskScope = vscode.TaskScope.Workspace): vscode.Task => {
    const execution = new vscode.ProcessExecution(process.execPath, taskArgs(script, definition), { cwd: '${workspaceFolder}', env: { ELECTRON_RUN_AS_NODE: '1' } });
    const name = `${definition.command} ${definition.file}${definition.model ? ` (${definition.model})` : ''}`;
    const task = new vscode.Task(definition, scope, name, 'netlens', execution, definition.command === 'check' ? ['$netlens'] : []);
    if (definition.command === 'check') task.group = vscode.TaskGroup.Build;
    return task;
  };
  return vscode.tasks.registerTaskProvider(TASK_TYPE, {
    // Offered in "Run Task": a check of each .nn file in the workspace.
    provideTasks: async () => {
      const files = await vscode.workspace.findFiles('**/*.nn', '**/node_modules/**', 50);
      return files.map((f) => build({ type: TASK_TYPE, command: 'check', file: vscode.workspace.asRelativePath(f, false) }, vscode.workspace.getWorkspaceFolder(f) ?? vscode.TaskScope.Workspace));
    },
    resolveTask: (task) => {
      const definition = task.definition as NetlensTaskDefinition;
      if (!definition.file || !['check', 'summary', 'train'].includes(definition.command)) return undefined;
      return build(definition, task.scope ?? vscode.TaskScope.Workspace);
    },
  });
}
