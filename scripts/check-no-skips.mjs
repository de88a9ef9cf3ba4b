// CI treats a skipped test as a failure: read vitest's JSON report and fail on any skipped or
// todo test, then print the plain closing line CI logs understand.
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync('.vitest-results.json', 'utf8'));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
if (skipped > 0) {
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      if (test.status === 'pending' || test.status === 'todo' || test.status === 'skipped') console.error(`skipped: ${file.name} > ${test.fullName}`);
    }
  }
  console.error('Skipped tests count as failures.');
  process.exit(1);
}
if (report.numFailedTests > 0 || !report.success) process.exit(1);
