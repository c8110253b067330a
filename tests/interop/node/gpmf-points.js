#!/usr/bin/env node
// Reads an MP4's GPMF track as GoPro web tools do (gpmf-extract, then gopro-telemetry with
// default options, or the JSON object given as a second argument) and prints what they decoded as one JSON object on stdout:
//   { devices: {id: name}, streams: {id: {key: name}},
//     sensors: {'id/key': [cts, ...]}, gps: {GPS5|GPS9: {name, units, points: [...]}}, timing: {...}, warnings: [...] }
// Used by tests/interop_node.rs; run `npm ci` in this folder first.
'use strict';

// gpmf-extract shifts the track's creation time by the machine's time zone (it assumes a
// camera's local clock); pin the zone so the output does not depend on the machine.
process.env.TZ = 'UTC';

const fs = require('fs');
const gpmfExtract = require('gpmf-extract');
const goproTelemetry = require('gopro-telemetry');

// The libraries report problems (a missing altitude model, malformed KLV in tolerant mode)
// only on the console; collect them so the test can insist there are none and stdout stays
// pure JSON.
const warnings = [];
// mp4box.js starts its messages with the time since it loaded ([0:00:00.259]): dropped, so
// that a test can compare a message exactly.
for (const level of ['log', 'info', 'warn', 'error']) {
  console[level] = (...args) => warnings.push(
    `${level}: ${args.map(String).join(' ').replace(/^\[\d+:\d\d:\d\d\.\d+\] /, '')}`);
}

async function main(path, options) {
  const file = fs.readFileSync(path);
  const extracted = await gpmfExtract(file);
  const telemetry = await goproTelemetry(extracted, options);

  const devices = {};
  const streams = {};
  const gps = {};
  // The `cts` (ms on the video's timeline) of every sample of every other stream with samples.
  const sensors = {};
  for (const [id, device] of Object.entries(telemetry)) {
    // Beside the devices, the result holds plain values such as 'frames/second'.
    if (device === null || typeof device !== 'object') continue;
    devices[id] = device['device name'];
    streams[id] = {};
    for (const [key, stream] of Object.entries(device.streams || {})) {
      streams[id][key] = stream.name;
      if (!stream.samples) continue;
      if (key !== 'GPS5' && key !== 'GPS9') {
        sensors[`${id}/${key}`] = stream.samples.map(s => s.cts);
        continue;
      }
      if (gps[key]) throw new Error(`${key} in more than one device`);
      gps[key] = {
        name: stream.name,
        units: stream.units,
        // value: GPS5 [lat, lon, alt, 2D speed, 3D speed]; GPS9 adds [days, secs, DOP, fix].
        // sticky appears on a sample only where a sticky value (fix, precision) changes.
        points: stream.samples.map(s => ({
          value: s.value,
          cts: s.cts,
          date: s.date instanceof Date ? s.date.toISOString() : s.date,
          sticky: s.sticky || null
        }))
      };
    }
  }
  const timing = {
    start: extracted.timing.start instanceof Date ? extracted.timing.start.toISOString() : null,
    videoDuration: extracted.timing.videoDuration,
    samples: extracted.timing.samples
  };
  return { devices, streams, gps, sensors, timing, warnings };
}

const [path, options = '{}'] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: gpmf-points.js VIDEO.mp4 [GOPRO_TELEMETRY_OPTIONS_JSON]\n');
  process.exit(2);
}
main(path, JSON.parse(options)).then(
  result => process.stdout.write(JSON.stringify(result) + '\n'),
  error => {
    process.stderr.write(`gpmf-points.js: ${path}: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  }
);
