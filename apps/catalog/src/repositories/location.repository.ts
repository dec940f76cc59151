import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgencyEntity } from '../entities/agency.entity';
import { BranchEntity } from '../entities/branch.entity';

@Injectable()
export class LocationRepository {
  constructor(
    @InjectRepository(AgencyEntity) private readonly agencies: Repository<AgencyEntity>,
    @InjectRepository(BranchEntity) private readonly branches: Repository<BranchEntity>,
  ) {}

  upsertAgency(a: Pick<AgencyEntity, 'isil' | 'name' | 'kind' | 'timezone'>): Promise<unknown> {
    return this.agencies.upsert(a, ['isil']);
  }

  upsertBranch(b: Pick<BranchEntity, 'code' | 'agency' | 'name' | 'kind'>): Promise<unknown> {
    return this.branches.upsert(b, ['code']);
  }

  findAgency(isil: string): Promise<AgencyEntity | null> {
    return this.agencies.findOneBy({ isil });
  }

  findBranch(code: string): Promise<BranchEntity | null> {
    return this.branches.findOneBy({ code });
  }

  listAgencies(): Promise<AgencyEntity[]> {
    return this.agencies.find({ order: { isil: 'ASC' } });
  }

  listBranches(): Promise<BranchEntity[]> {
    return this.branches.find({ order: { code: 'ASC' } });
  }
}
