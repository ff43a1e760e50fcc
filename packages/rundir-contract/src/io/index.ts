export { decodeParquet, encodeParquet, readParquet, writeParquet } from './Parquet.js';
export type {
  DecodeParquetOptions,
  EncodeParquetOptions,
  ParquetCompression,
  ReadParquetOptions,
  WriteParquetOptions,
} from './Parquet.js';
export { validateFrame } from './FrameValidation.js';
export { createJsonIfAbsent, formatJson, parseJson, readJson, validateDocument, writeJson } from './Json.js';
export type { DocumentIoOptions } from './Json.js';
export { formatYaml, parseYaml, readYaml, writeYaml } from './Yaml.js';
export { describeCsvHeader, formatCsv, formatCsvNumber, parseCsv, readCsv, writeCsv } from './Csv.js';
export type { CsvCell, CsvIoOptions, ParsedCsv } from './Csv.js';
export { TIME_UNITS, readIndexStore, writeIndexStore } from './IndexStore.js';
export type {
  IndexStoreData,
  IndexVariable,
  ReadIndexStoreOptions,
  WriteIndexStoreOptions,
  WrittenIndexStore,
} from './IndexStore.js';
export { formatGeoList, parseGeoList, readGeoList, writeGeoList } from './GeoList.js';
export type { GeoListIoOptions } from './GeoList.js';
export { parseWasdeTable, readReferenceData, readWasdeTable, WASDE_COLUMNS } from './ReferenceData.js';
export type { ReferenceData, ReferenceDataOptions, WasdeTable } from './ReferenceData.js';
