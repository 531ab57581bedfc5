using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using AsyncProf.Reports;
using AsyncProf.Reports.Analysis;
using AsyncProf.Reports.Exporters;
using AsyncProf.Reports.Text;

namespace AsyncProf.Cli
{
    /// <summary>
    /// <c>asyncprof report &lt;profile.json&gt; [--format FMT] [-o FILE] [--sort KEY] [--top N] [--tree] [--callers NAME] [--callees NAME]</c>:
    /// the text reports on the terminal, or any export format to a file (by --format, or by -o's extension).
    /// </summary>
    public static class ReportCommand
    {
        static readonly OptionSpec[] Options =
        {
            new("sort", TakesValue: true, ShortName: "s"),
            new("top", TakesValue: true, ShortName: "n"),
            new("format", TakesValue: true, ShortName: "f"),
            new("output", TakesValue: true, ShortName: "o"),
            new("tree", TakesValue: false),
            new("depth", TakesValue: true),
            new("min-percent", TakesValue: true),
            new("metric", TakesValue: true, ShortName: "m"),
            new("callers", TakesValue: true),
            new("callees", TakesValue: true),
            new("blocking", TakesValue: false),
            new("critical-path", TakesValue: false),
        };

        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("report", args, Options);
            if (parsed.Positionals.Count == 0) throw new UsageException("report needs a profile file (see 'asyncprof report --help')");
            if (parsed.Positionals.Count > 1) throw new UsageException($"report reads one profile, got {parsed.Positionals.Count}: {string.Join(" ", parsed.Positionals)}");

            var profilePath = parsed.Positionals[0];
            var output = parsed.Value("output");
            var exporter = ChooseExporter(parsed.Value("format"), output);
            var text = exporter.Name == "text" ? TextExporterFor(parsed) : null;
            if (text == null) RejectTextOnlyOptions(parsed, exporter.Name);

            var profile = Load(profilePath);
            try
            {
                if (text != null && output == null)
                {
                    using var buffer = new MemoryStream();
                    text.Export(profile, buffer);
                    stdout.Write(Encoding.UTF8.GetString(buffer.ToArray()));
                    return ExitCodes.Success;
                }
                var target = output ?? DefaultOutputPath(profilePath, exporter);
                ProfileConverter.Export(profile, text ?? exporter, target);
                stdout.WriteLine($"wrote {target} ({exporter.Name})");
                return ExitCodes.Success;
            }
            catch (Exception e) when (e is ProfileExportException || e is ArgumentException)
            {
                throw new InputException($"{profilePath}: {e.Message}", e);
            }
        }

        static IProfileExporter ChooseExporter(string? format, string? output)
        {
            if (format != null)
                return ExporterRegistry.Find(format)
                       ?? throw new UsageException($"--format {format}: unknown format (use one of {string.Join(", ", ExporterRegistry.Names)})");
            if (output == null) return ExporterRegistry.Find("text")!;
            return ExporterRegistry.ForPath(output)
                   ?? throw new UsageException($"-o {output}: cannot tell the format from the extension; add --format (one of {string.Join(", ", ExporterRegistry.Names)})");
        }

        static TextExporter TextExporterFor(ParsedArguments parsed)
        {
            var metric = Metric(parsed.Value("metric"));
            return new TextExporter
            {
                Table = new TextReportOptions { Sort = Sort(parsed.Value("sort")), Top = PositiveInt("top", parsed.Value("top")) },
                Tree = parsed.Has("tree") || parsed.Has("depth") || parsed.Has("min-percent")
                    ? new TreeReportOptions { MaxDepth = PositiveInt("depth", parsed.Value("depth")), MinPercent = Percent(parsed.Value("min-percent")), Metric = metric }
                    : null,
                Callers = parsed.Value("callers"),
                Callees = parsed.Value("callees"),
                Blocking = parsed.Has("blocking"),
                CriticalPath = parsed.Has("critical-path"),
            };
        }

        static void RejectTextOnlyOptions(ParsedArguments parsed, string format)
        {
            foreach (var option in new[] { "sort", "top", "tree", "depth", "min-percent", "callers", "callees", "blocking", "critical-path" })
                if (parsed.Has(option)) throw new UsageException($"--{option} shapes the text report; it does not apply to --format {format}");
        }

        static Profile Load(string path)
        {
            try { return ProfileReader.Load(path); }
            catch (ProfileFormatException e) { throw new InputException(e.Message, e); }
        }

        /// <summary>profile.json → profile.speedscope.json, profile.pb.gz, ... beside it.</summary>
        static string DefaultOutputPath(string profilePath, IProfileExporter exporter)
        {
            var stem = profilePath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? profilePath.Substring(0, profilePath.Length - 5) : profilePath;
            return stem + exporter.FileExtension;
        }

        static ReportSort Sort(string? key)
        {
            if (key == null) return ReportSort.Wall;
            return ReportSorts.TryParse(key, out var sort) ? sort : throw new UsageException($"--sort {key}: unknown key (use one of {string.Join(", ", ReportSorts.Keys)})");
        }

        static ProfileMetric Metric(string? name) => name?.ToLowerInvariant() switch
        {
            null or "wall" => ProfileMetric.Wall,
            "cpu" => ProfileMetric.Cpu,
            "alloc" => ProfileMetric.Alloc,
            _ => throw new UsageException($"--metric {name}: use wall, cpu or alloc"),
        };

        static int? PositiveInt(string option, string? text)
        {
            if (text == null) return null;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
                throw new UsageException($"--{option} {text}: expected a positive whole number");
            return n;
        }

        static double Percent(string? text)
        {
            if (text == null) return 0;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p < 0 || p > 100)
                throw new UsageException($"--min-percent {text}: expected a number from 0 to 100");
            return p;
        }
    }
}
