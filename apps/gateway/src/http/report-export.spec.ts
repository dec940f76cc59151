import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ReportTable } from '@app/contracts';
import { toCsv, toXlsx } from './report-export';

const table: ReportTable = {
  title: 'Annual report 2026: loans/branch',
  columns: [
    { key: 'branch', label: 'branch' },
    { key: 'note', label: 'note' },
    { key: 'count', label: 'checkouts' },
  ],
  rows: [
    { branch: 'KSL-MAIN', note: '总馆, "central"', count: 1200 },
    { branch: 'KSL-ZS', note: null, count: 35 },
  ],
};

describe('report export', () => {
  it('CSV starts with a BOM and parses back to the same cells (quotes, commas, Chinese)', async () => {
    const csv = toCsv([table]);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const book = new ExcelJS.Workbook();
    const sheet = await book.csv.read(Readable.from([csv.slice(1)]));
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['branch', 'note', 'checkouts']);
    expect((sheet.getRow(2).values as unknown[]).slice(1)).toEqual(['KSL-MAIN', '总馆, "central"', 1200]);
    expect(sheet.getRow(3).getCell(3).value).toBe(35);
  });

  it('XLSX has one sheet per table with a legal, unique name and numbers as numbers', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx([table, table])) as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual([
      'Annual report 2026  loans br',
      'Annual report 2026  loans  2',
    ]);
    expect(book.worksheets[0].getRow(2).getCell(3).value).toBe(1200);
    expect(book.worksheets[0].getRow(3).getCell(2).value).toBeNull();
  });
});
