#!/usr/bin/env node
// Exports an MP4's GPS as GoPro web tools do (gpmf-extract, then gopro-telemetry with the
// `preset` option: kml, geojson or csv) and prints the export on stdout (for csv, the GPS5 or
// GPS9 file of the result). Used by tests/interop_track_inputs.rs: telemux must read what
// this independent writer produces. Run `npm ci` in this folder first.
'use strict';

// As in gpmf-points.js: gpmf-extract shifts times by the machine's time zone.
process.env.TZ = 'UTC';

const fs = require('fs');
const gpmfExtract = require('gpmf-extract');
const goproTelemetry = require('gopro-telemetry');

// Library messages go to stderr, so stdout is only the export.
for (const level of ['log', 'info', 'warn']) {
  console[level] = (...args) => process.stderr.write(args.map(String).join(' ') + '\n');
}

async function main(path, preset) {
  const extracted = await gpmfExtract(fs.readFileSync(path));
  const result = await goproTelemetry(extracted, { preset });
  if (typeof result === 'string') return result;
  if (preset === 'csv') {
    const gps = Object.keys(result).find(name => /-GPS[59]$/.test(name));
    if (!gps) throw new Error(`no GPS file among ${Object.keys(result)}`);
    return result[gps];
  }
  return JSON.stringify(result);
}

const [path, preset] = process.argv.slice(2);
if (!path || !preset) {
  process.stderr.write('usage: gpmf-export.js VIDEO.mp4 kml|geojson|csv\n');
  process.exit(2);
}
main(path, preset).then(
  text => process.stdout.write(text),
  error => {
    process.stderr.write(`gpmf-export.js: ${path}: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  }
);
