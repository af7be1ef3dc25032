import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { type Principal, SupernetsService } from '@tailor/engine';
import { CurrentPrincipal } from '../http/auth';
import { uuidParam } from '../http/params';
import { CREATE_SUPERNET_EXAMPLE, CreateSupernetDto, ListSupernetsQuery } from './supernets.dto';

/** Once-for-all supernets: trained by progressive shrinking in the background, or shipped with Tailor. */
@ApiTags('supernets')
@ApiBearerAuth()
@Controller('supernets')
export class SupernetsController {
  constructor(private readonly supernets: SupernetsService) {}

  /** Train a supernet in the background (202); it checkpoints as it goes and resumes after a restart. */
  @Post()
  @HttpCode(202)
  @ApiBody({
    type: CreateSupernetDto,
    examples: {
      recipe: {
        summary: 'The default recipe on 10,000 images per epoch (hours on 2 cores)',
        value: CREATE_SUPERNET_EXAMPLE,
      },
      quick: {
        summary: 'A tiny run through the first two phases (seconds)',
        value: {
          searchSpace: 'fmnist-mbv3',
          epochs: { full: 1, kernel: 1, depth: 0, expand: 0 },
          imagesPerEpoch: 32,
          batchSize: 16,
          calibrationImages: 32,
          validationImages: 64,
        },
      },
    },
  })
  create(@Body() body: CreateSupernetDto, @CurrentPrincipal() who: Principal) {
    return this.supernets.create(body, who);
  }

  /** Every supernet (optionally of one space), newest first. */
  @Get()
  list(@Query() q: ListSupernetsQuery) {
    return this.supernets.list(q.searchSpace);
  }

  /** Status, latest progress, per-epoch validation accuracy, config, and what the checkpoint folder holds. */
  @Get(':id')
  get(@Param('id', uuidParam) id: string) {
    return this.supernets.get(id);
  }

  /** Cancel a queued or running training; a running one stops after its step with a checkpoint. */
  @Delete(':id')
  cancel(@Param('id', uuidParam) id: string, @CurrentPrincipal() who: Principal) {
    return this.supernets.cancel(id, who);
  }
}
