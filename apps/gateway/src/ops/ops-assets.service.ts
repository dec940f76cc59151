import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';

export interface OpsAsset {
  body: Buffer;
  contentType: string;
}

/** The package root (holds package.json): the repository in development, /app in the image. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The ops page's static files, read once at boot into memory: the page itself (apps/gateway/ops-web,
 * plain HTML/JS/CSS, no build step) and chart.js's UMD bundle from node_modules, served locally
 * because library networks often block CDNs. Only these names are served, never a path from a request.
 */
@Injectable()
export class OpsAssetsService {
  private readonly assets = new Map<string, OpsAsset>();

  constructor() {
    const root = packageRoot(__dirname);
    const files: Record<string, string> = {
      'index.html': path.join(root, 'apps/gateway/ops-web/index.html'),
      'ops.js': path.join(root, 'apps/gateway/ops-web/ops.js'),
      'ops.css': path.join(root, 'apps/gateway/ops-web/ops.css'),
      'chart.umd.min.js': path.join(root, 'node_modules/chart.js/dist/chart.umd.min.js'),
    };
    for (const [name, file] of Object.entries(files)) {
      this.assets.set(name, { body: fs.readFileSync(file), contentType: TYPES[path.extname(name)] });
    }
  }

  get(name: string): OpsAsset | undefined {
    return this.assets.get(name);
  }
}
