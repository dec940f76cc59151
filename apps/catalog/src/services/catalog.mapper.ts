import type {
  AgencyKind,
  AgencyView,
  BranchKind,
  BranchView,
  ItemStatus,
  ItemType,
  ItemView,
  RecordView,
} from '@app/contracts';
import { AgencyEntity } from '../entities/agency.entity';
import { BibRecordEntity } from '../entities/bib-record.entity';
import { BranchEntity } from '../entities/branch.entity';
import { ItemEntity } from '../entities/item.entity';

export const toBranchView = (b: BranchEntity): BranchView => ({
  code: b.code,
  agency: b.agency,
  name: b.name,
  kind: b.kind as BranchKind,
});

export const toAgencyView = (a: AgencyEntity, branches: BranchEntity[]): AgencyView => ({
  isil: a.isil,
  name: a.name,
  kind: a.kind as AgencyKind,
  timezone: a.timezone,
  branches: branches.filter((b) => b.agency === a.isil).map(toBranchView),
});

export const toRecordView = (r: BibRecordEntity): RecordView => ({
  id: r.id,
  title: r.title,
  author: r.author,
  isbn: r.isbn,
  publisher: r.publisher,
  year: r.year,
  clcCallNumber: r.clcCallNumber,
  suppressed: r.suppressed,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export const toItemView = (i: ItemEntity, r: BibRecordEntity): ItemView => ({
  id: i.id,
  agency: i.agency,
  barcode: i.barcode,
  recordId: i.recordId,
  itemType: i.itemType as ItemType,
  homeBranch: i.homeBranch,
  currentLocation: i.currentLocation,
  shelfLocation: i.shelfLocation,
  status: i.status as ItemStatus,
  loanable: i.loanable,
  priceFen: i.priceFen,
  suppressed: i.suppressed,
  title: r.title,
  author: r.author,
  isbn: r.isbn,
  clcCallNumber: r.clcCallNumber,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});
