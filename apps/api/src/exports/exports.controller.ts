import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ExportsService, type Principal } from '@tailor/engine';
import type { Response } from 'express';
import { CurrentPrincipal } from '../http/auth';
import { etagMatches } from '../http/etag';
import { uuidParam } from '../http/params';
import {
  CREATE_EXPORT_EXAMPLE,
  CreateExportDto,
  CreateSearchExportDto,
  DownloadExportQuery,
  EXPORT_VIEW_EXAMPLE,
} from './exports.dto';

/** Subnets of a succeeded supernet as deployable ONNX / TF.js files, verified on the test set. */
@ApiTags('exports')
@ApiBearerAuth()
@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /**
   * Export a subnet in the background (202): BN recalibrated on 2,000 training images, the files
   * written, then verified on the 10,000 Fashion-MNIST test images against the subnet itself.
   */
  @Post('supernets/:id/exports')
  @HttpCode(202)
  @ApiBody({
    type: CreateExportDto,
    examples: {
      both: { summary: 'The smallest fmnist-mbv3 subnet as ONNX and TF.js', value: CREATE_EXPORT_EXAMPLE },
      onnx: {
        summary: 'The largest fmnist-mbv3 subnet, ONNX only',
        value: {
          arch: 'w1.0-d3,3,3,3-ks7,7,7,7,7,7,7,7,7,7,7,7-e4,4,4,4,4,4,4,4,4,4,4,4',
          formats: ['onnx'],
        },
      },
    },
  })
  create(
    @Param('id', uuidParam) id: string,
    @Body() body: CreateExportDto,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.exports.create(
      { supernet: id, arch: body.arch, formats: body.formats, device: body.device },
      who,
    );
  }

  /**
   * Export a candidate of a succeeded search (202) from the supernet its accuracy came from, as for a
   * supernet export; the verified files are then timed on the search's farm device against its budget.
   */
  @Post('searches/:id/exports')
  @HttpCode(202)
  @ApiBody({
    type: CreateSearchExportDto,
    examples: { answer: { value: { candidate: 0, formats: ['onnx', 'tfjs'] } } },
  })
  createFromSearch(
    @Param('id', uuidParam) id: string,
    @Body() body: CreateSearchExportDto,
    @CurrentPrincipal() who: Principal,
  ) {
    return this.exports.createFromSearch(
      { search: id, candidate: body.candidate, formats: body.formats },
      who,
    );
  }

  /** Status, the stage running, and once verified: files with sizes and SHA-256, accuracies, params, flops. */
  @Get('exports/:id')
  @ApiOkResponse({ schema: { example: EXPORT_VIEW_EXAMPLE } })
  get(@Param('id', uuidParam) id: string) {
    return this.exports.get(id);
  }

  /**
   * The ONNX file or the TF.js archive, as an attachment. The ETag is the file's SHA-256 (quoted), so
   * `If-None-Match` answers 304 for a copy already held; 409 until the export has succeeded.
   */
  @Get('exports/:id/download')
  @ApiProduces('application/octet-stream', 'application/x-tar')
  @ApiOkResponse({
    description: 'The file, as an attachment named `<arch-short>-<id8>.onnx|.tar`',
    headers: {
      ETag: { description: 'The SHA-256 of the file, quoted', schema: { type: 'string' } },
      'Content-Disposition': { description: 'attachment; filename="…"', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 304, description: 'If-None-Match names the current file' })
  @ApiResponse({ status: 409, description: 'The export has not succeeded (yet)' })
  async download(
    @Param('id', uuidParam) id: string,
    @Query() q: DownloadExportQuery,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() res: Response,
  ) {
    const file = await this.exports.download(id, q.format);
    res.setHeader('ETag', `"${file.sha256}"`);
    // Keyed downloads: no shared cache may keep them, and a client revalidates with the ETag.
    res.setHeader('Cache-Control', 'private, no-cache');
    if (etagMatches(ifNoneMatch, file.sha256)) return void res.status(304).end();
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.bytes));
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    await pipeline(createReadStream(file.path), res);
  }
}
