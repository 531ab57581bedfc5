using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace PerfHarness
{
    /// <summary>What one process run reported: its key=value result line, and the profile it wrote if recording.</summary>
    public sealed record RunResult(Dictionary<string, string> Values, string? ProfilePath, long? MaxRssKb)
    {
        public double Get(string key) => double.Parse(Values[key], CultureInfo.InvariantCulture);
    }

    /// <summary>Starts one workload process in one configuration and reads what it wrote.</summary>
    public sealed class Runner
    {
        readonly Options options;
        int sequence;

        public Runner(Options options) => this.options = options;

        public string AppPath(string app, string build) => Path.Combine(options.Work, app, build, app + ".dll");

        /// <param name="appArgs">the app's arguments after the dll (the result file is inserted by the app's convention)</param>
        public RunResult Run(string app, string build, IReadOnlyList<string> appArgs, bool traced,
                             IDictionary<string, string>? env = null, bool measureRss = false)
        {
            var id = ++sequence;
            var result = Path.Combine(options.Work, "results", $"{id:D4}.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(result)!);
            var command = new List<string> { "dotnet", AppPath(app, build) };
            command.AddRange(appArgs.Select(a => a == "{result}" ? result : a));
            if (traced)
            {
                // 'dotnet tool run' would take the first "--" as its own, hence the extra one.
                var trace = Path.Combine(options.Work, "traces", $"{id:D4}.nettrace");
                Directory.CreateDirectory(Path.GetDirectoryName(trace)!);
                command.InsertRange(0, new[] { "dotnet", "tool", "run", "dotnet-trace", "--", "collect",
                    "--profile", "dotnet-sampled-thread-time", "-o", trace, "--" });
            }
            string? rssFile = null;
            if (measureRss && File.Exists("/usr/bin/time"))
            {
                rssFile = Path.Combine(options.Work, "results", $"{id:D4}.rss");
                command.InsertRange(0, new[] { "/usr/bin/time", "-f", "%M", "-o", rssFile });
            }

            var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = options.ToolDir };
            foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
            start.Environment.Remove("ASYNCPROF_OUTPUT");
            start.Environment.Remove("ASYNCPROF_TIMELINE");
            string? profile = null;
            if (env != null)
                foreach (var (k, v) in env)
                {
                    var value = v.Replace("{profile}", Path.Combine(options.Work, "profiles", $"{id:D4}.json"));
                    if (k == "ASYNCPROF_OUTPUT") { profile = value; Directory.CreateDirectory(Path.GetDirectoryName(value)!); }
                    start.Environment[k] = value;
                }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(result))
                throw new InvalidOperationException($"run {id} failed (exit {process.ExitCode}): {string.Join(' ', command)}\n{stdout.Result}\n{stderr.Result}");
            var values = File.ReadAllText(result).Split(' ', '\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            long? rss = rssFile != null && long.TryParse(File.ReadAllText(rssFile).Trim().Split('\n').Last(), out var kb) ? kb : null;
            return new RunResult(values, profile, rss);
        }
    }
}
