import * as path from 'node:path';
import { ESLint } from 'eslint';
import * as tseslint from 'typescript-eslint';

// The boundary rules npm run lint applies (eslint.boundaries.cjs), run on deliberate violations: if the
// rule stopped matching, these imports would lint clean and the spec fails.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config shared with eslint.config.mjs
const boundaries = require('../../../eslint.boundaries.cjs') as ESLint.ConfigData[];
const root = path.resolve(__dirname, '../../..');

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as never } },
      ...(boundaries as never[]),
    ],
  });
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('fails an app that imports another app', async () => {
    const messages = await restrictedImports(
      'apps/gateway/src/controllers/x.controller.ts',
      "import { LoansModule } from '../../../loans/src/loans.module';\n",
    );
    expect(messages).toEqual([expect.stringContaining('never another app')]);
  });

  it('fails a lib that imports an app', async () => {
    const messages = await restrictedImports(
      'libs/common/src/x.ts',
      "import { CatalogModule } from '../../../apps/catalog/src/catalog.module';\n",
    );
    expect(messages).toEqual([expect.stringContaining('never imports an app')]);
  });

  it('fails contracts importing another lib of ours', async () => {
    expect(
      await restrictedImports('libs/contracts/src/loans/x.dto.ts', "import { requestContext } from '@app/common';\n"),
    ).toHaveLength(1);
    expect(
      await restrictedImports('libs/contracts/src/loans/x.dto.ts', "import { x } from '../../../common/src/index';\n"),
    ).toHaveLength(1);
  });

  it('lets an app import its own files and libs, and contracts its own files', async () => {
    expect(
      await restrictedImports(
        'apps/loans/src/circulation/x.ts',
        "import { a } from '../shared/loan.repository';\nimport { b } from '@app/common';\n",
      ),
    ).toEqual([]);
    expect(
      await restrictedImports(
        'libs/contracts/src/loans/x.dto.ts',
        "import { ApiProperty } from '../common/api-doc';\n",
      ),
    ).toEqual([]);
  });
});
