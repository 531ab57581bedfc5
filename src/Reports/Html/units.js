/*
 * Formatting shared by the AsyncProf HTML pages (report.js, diff.js), as src/Reports/Formatting/Units.cs formats:
 * durations ns → ns/µs/ms/s, sizes bytes → B/KB/MB/GB. Placed before each page's script in the same element.
 */
function fmtDuration(ns) {
  if (ns == null || Number.isNaN(ns)) return '-';
  const abs = Math.abs(ns);
  if (abs < 0.5) return '0';
  if (abs < 999.5) return Math.round(ns) + ' ns';
  if (abs < 999950) return (ns / 1e3).toFixed(1) + ' \u00b5s';
  if (abs < 999950000) return (ns / 1e6).toFixed(1) + ' ms';
  return (ns / 1e9).toFixed(2) + ' s';
}

function fmtBytes(bytes) {
  if (bytes == null || Number.isNaN(bytes)) return '-';
  const abs = Math.abs(bytes);
  if (abs < 0.5) return '0';
  if (abs < 1023.5) return Math.round(bytes) + ' B';
  if (abs < 1024 * 1023.95) return (bytes / 1024).toFixed(1) + ' KB';
  if (abs < 1024 * 1024 * 1023.95) return (bytes / (1024 * 1024)).toFixed(1) + ' MB';
  return (bytes / (1024 * 1024 * 1024)).toFixed(2) + ' GB';
}
