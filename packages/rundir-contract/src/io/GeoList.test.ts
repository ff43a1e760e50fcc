import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaError } from '../errors/ContractError.js';
import { formatGeoList, parseGeoList, readGeoList, writeGeoList } from './GeoList.js';

const STORY = 'ADM0:USA/ADM1:iowa/ADM2:story';
const POLK = 'ADM0:USA/ADM1:iowa/ADM2:polk';
const MCLEAN = 'ADM0:USA/ADM1:illinois/ADM2:mclean';

describe('included_geo_identifiers.txt', () => {
  it('writes sorted, unique ADM2 ids, one per line with a trailing newline, and reads them back', async () => {
    const dir = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'geo-list-'));
    const where = nodePath.join(dir, 'included_geo_identifiers.txt');
    await writeGeoList(where, [STORY, MCLEAN, POLK, STORY]);
    expect(await fs.readFile(where, 'utf8')).toBe(`${MCLEAN}\n${POLK}\n${STORY}\n`);
    expect(await readGeoList(where)).toEqual([MCLEAN, POLK, STORY]);
  });

  it('refuses unsorted, repeated, invalid, non-ADM2 and unterminated lists with the line number', () => {
    expect(() => parseGeoList(`${STORY}\n${POLK}\n`, 'f.txt')).toThrow(
      new SchemaError(
        `f.txt: line 2: ${POLK} sorts before ${STORY}; write the identifiers sorted by code point, each once`,
      ),
    );
    expect(() => parseGeoList(`${POLK}\n${POLK}\n`, 'f.txt')).toThrow(
      new SchemaError(
        `f.txt: line 2: ${POLK} repeats the line before; write the identifiers sorted by code point, each once`,
      ),
    );
    expect(() => parseGeoList(`${POLK}\nnot a geo\n`, 'f.txt')).toThrow(/^f\.txt: line 2: /);
    expect(() => parseGeoList('ADM0:USA/ADM1:iowa\n', 'f.txt')).toThrow(
      new SchemaError('f.txt: line 1: ADM0:USA/ADM1:iowa is an ADM1 identifier, expected ADM2 (counties)'),
    );
    expect(() => parseGeoList(`${MCLEAN}\n${POLK}`, 'f.txt')).toThrow(
      new SchemaError('f.txt: line 2: no trailing newline; end the file with a newline'),
    );
    expect(() => parseGeoList('', 'f.txt')).toThrow(
      new SchemaError('f.txt: is empty, expected one ADM2 geo identifier per line'),
    );
    expect(() => formatGeoList(['ADM0:USA'])).toThrow(/line 1: ADM0:USA is an ADM0 identifier/);
  });
});
