using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AsyncProf.Reports;
using Google.Protobuf;

namespace AsyncProf.Tests.Fuzz.Reports
{
    /// <summary>Whether a file <c>asyncprof report</c> wrote is a valid file of its format (not whether its figures are right).</summary>
    public static class ReportOutputChecks
    {
        static readonly Regex CallgrindLine = new(
            // the wall split's events: running, blocked, suspended, and queued and GC time when the profile has some
            @"^(# callgrind format|version: 1|creator: .*|pid: \d+|cmd: .*|part: 1|desc: .*|event: \w+ : .*|positions: line|events: Wall Cpu Alloc( Running Blocked Suspended( Queued)?( Gc)?)?" +
            @"|summary: \d+ \d+ \d+( \d+ \d+ \d+( \d+){0,2})?|totals: \d+ \d+ \d+( \d+ \d+ \d+( \d+){0,2})?|c?fl=\(\d+\)( .+)?|c?fn=\(\d+\)( .+)?|calls=\d+ \d+|\d+ \d+ \d+ \d+( \d+ \d+ \d+( \d+){0,2})?|)$");
        static readonly Regex FoldedLine = new(@"^[^;\n]+(;[^;\n]+)* [1-9][0-9]*$");
        static readonly Regex HtmlData = new("<script type=\"application/json\" id=\"profile-data\">(?<json>.*?)</script>", RegexOptions.Singleline);

        /// <summary>Null when the output is a valid file of its format, else what is wrong with it.</summary>
        public static string? Problem(string format, string path)
        {
            try
            {
                Check(format, path);
                return null;
            }
            catch (InvalidOutput e) { return e.Message; }
            catch (Exception e) when (e is JsonException || e is InvalidOperationException || e is FormatException || e is KeyNotFoundException)
            {
                return $"{format} output {Path.GetFileName(path)}: {e.GetType().Name}: {e.Message}";
            }
        }

        sealed class InvalidOutput : Exception
        {
            public InvalidOutput(string message) : base(message) { }
        }

        static void Require(bool ok, string message)
        {
            if (!ok) throw new InvalidOutput(message);
        }

        static void Check(string format, string path)
        {
            Require(File.Exists(path), $"{format}: no output file {path}");
            var bytes = File.ReadAllBytes(path);
            var context = $"{format} output {Path.GetFileName(path)}";
            switch (format)
            {
                case "json":
                    try { ProfileReader.Parse(bytes, path); } catch (ProfileFormatException e) { Require(false, $"{context} does not read back as a profile: {e.Message}"); }
                    break;
                case "speedscope":
                    using (var doc = ParseJson(bytes, context))
                    {
                        var frames = doc.RootElement.GetProperty("shared").GetProperty("frames").GetArrayLength();
                        foreach (var p in doc.RootElement.GetProperty("profiles").EnumerateArray())
                        {
                            var samples = p.GetProperty("samples").EnumerateArray().ToList();
                            var weights = p.GetProperty("weights").EnumerateArray().Select(w => w.GetInt64()).ToList();
                            Require(weights.Count == samples.Count, context + ": a weight per sample");
                            Require(weights.All(w => w > 0), context + ": positive weights");
                            Require(samples.SelectMany(s => s.EnumerateArray()).All(f => f.GetInt32() >= 0 && f.GetInt32() < frames), context + ": frames exist");
                            Require(p.GetProperty("endValue").GetInt64() >= 0, context + ": endValue");
                        }
                    }
                    break;
                case "chrome":
                    using (var doc = ParseJson(bytes, context))
                        foreach (var e in doc.RootElement.GetProperty("traceEvents").EnumerateArray())
                        {
                            Require(!string.IsNullOrEmpty(e.GetProperty("ph").GetString()), context + ": ph");
                            if (e.TryGetProperty("ts", out var ts)) Require(ts.GetDecimal() >= 0, context + ": ts");
                            if (e.TryGetProperty("dur", out var dur)) Require(dur.GetDecimal() >= 0, context + ": dur");
                        }
                    break;
                case "pprof":
                    AssertProtobuf(Gunzip(bytes, context), context);
                    break;
                case "callgrind":
                    foreach (var line in Lines(bytes, context))
                        Require(CallgrindLine.IsMatch(line), $"{context}: not a callgrind line: {Shorten(line)}");
                    break;
                case "folded":
                case "folded-wall":
                case "folded-cpu":
                case "folded-alloc":
                    foreach (var line in Lines(bytes, context))
                    {
                        Require(FoldedLine.IsMatch(line), $"{context}: not a folded line: {Shorten(line)}");
                        Require(long.TryParse(line.Substring(line.LastIndexOf(' ') + 1), out _), $"{context}: weight fits int64");
                    }
                    break;
                case "html":
                    var html = Strict(bytes, context);
                    var data = HtmlData.Matches(html);
                    Require(data.Count == 1, context + ": one profile-data block");
                    using (ParseJson(Encoding.UTF8.GetBytes(data[0].Groups["json"].Value), context + " data (not cut short by a </script> in a name)")) { }
                    Require(html.TrimEnd().EndsWith("</html>", StringComparison.Ordinal), context + ": complete");
                    break;
                case "text":
                    Require(Strict(bytes, context).Length > 0, context + ": empty");
                    break;
                default:
                    Require(false, "no check for format " + format);
                    break;
            }
        }

        static string Shorten(string s) => s.Length > 200 ? s.Substring(0, 200) + "..." : s;

        static string Strict(byte[] bytes, string context)
        {
            try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
            catch (DecoderFallbackException) { throw new InvalidOutput(context + ": not valid UTF-8"); }
        }

        static string[] Lines(byte[] bytes, string context)
        {
            var text = Strict(bytes, context);
            Require(text.Length == 0 || text.EndsWith("\n", StringComparison.Ordinal), context + ": ends with a line break");
            var lines = text.TrimEnd('\n').Split('\n');
            foreach (var line in lines)
                Require(!line.Any(c => char.IsControl(c) || c == '\u2028' || c == '\u2029'), $"{context}: control or line-separator character in line {Shorten(line)}");
            return lines.Length == 1 && lines[0].Length == 0 ? Array.Empty<string>() : lines;
        }

        static JsonDocument ParseJson(byte[] bytes, string context)
        {
            try { return JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 256 }); }
            catch (JsonException e) { throw new InvalidOutput($"{context}: not JSON: {e.Message}"); }
        }

        static byte[] Gunzip(byte[] bytes, string context)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                return ms.ToArray();
            }
            catch (InvalidDataException e) { throw new InvalidOutput($"{context}: not gzip: {e.Message}"); }
        }

        /// <summary>Every field well formed, and every length-delimited field of the messages pprof nests parsed as a message in turn.</summary>
        static void AssertProtobuf(byte[] message, string context)
        {
            // profile.proto fields that are messages: sample_type 1, sample 2, mapping 3, location 4, function 5, period_type 11
            var nested = new[] { 1, 2, 3, 4, 5, 11 };
            try
            {
                var input = new CodedInputStream(message);
                uint tag;
                while ((tag = input.ReadTag()) != 0)
                {
                    var field = (int)WireFormat.GetTagFieldNumber(tag);
                    if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && nested.Contains(field))
                        SkipAll(new CodedInputStream(input.ReadBytes().ToByteArray()));
                    else input.SkipLastField();
                }
            }
            catch (InvalidProtocolBufferException e) { throw new InvalidOutput($"{context}: not a protocol buffer: {e.Message}"); }
        }

        static void SkipAll(CodedInputStream input)
        {
            while (input.ReadTag() != 0) input.SkipLastField();
        }
    }
}
