using System;
using System.Collections.Generic;
using System.IO;
using AsyncProf.Reports;
using AsyncProf.Reports.Text;

namespace AsyncProf.Cli
{
    /// <summary><c>asyncprof report &lt;profile.json&gt; [--sort KEY] [--top N]</c></summary>
    public static class ReportCommand
    {
        static readonly OptionSpec[] Options =
        {
            new("sort", TakesValue: true, ShortName: "s"),
            new("top", TakesValue: true, ShortName: "n"),
        };

        public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
        {
            var parsed = ArgumentParser.Parse("report", args, Options);
            if (parsed.Positionals.Count == 0) throw new UsageException("report needs a profile file (see 'asyncprof report --help')");
            if (parsed.Positionals.Count > 1) throw new UsageException($"report reads one profile, got {parsed.Positionals.Count}: {string.Join(" ", parsed.Positionals)}");

            var sort = ReportSort.Wall;
            var sortKey = parsed.Value("sort");
            if (sortKey != null && !ReportSorts.TryParse(sortKey, out sort))
                throw new UsageException($"--sort {sortKey}: unknown key (use one of {string.Join(", ", ReportSorts.Keys)})");

            int? top = null;
            var topText = parsed.Value("top");
            if (topText != null)
            {
                if (!int.TryParse(topText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
                    throw new UsageException($"--top {topText}: expected a positive whole number");
                top = n;
            }

            Profile profile;
            try
            {
                profile = ProfileReader.Load(parsed.Positionals[0]);
            }
            catch (ProfileFormatException e)
            {
                throw new InputException(e.Message, e);
            }
            TextReport.Write(profile, stdout, new TextReportOptions { Sort = sort, Top = top });
            return ExitCodes.Success;
        }
    }
}
