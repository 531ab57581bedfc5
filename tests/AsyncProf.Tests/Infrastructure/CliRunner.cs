using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace AsyncProf.Tests.Infrastructure
{
    /// <summary>
    /// Runs the real command line tool (the `asyncprof` command) as a user would, as a separate process:
    /// <c>dotnet &lt;test bin&gt;/AsyncProf.Cli.dll ...</c>. The test project references src/Cli, so the tool (with its
    /// runtimeconfig and deps.json, and the runtime AsyncProf.dll) is in the test's output folder. The assembly is not
    /// named asyncprof.dll: that name equals the runtime's "AsyncProf" to the loader (see src/Cli/Cli.csproj).
    /// </summary>
    public static class CliRunner
    {
        public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "AsyncProf.Cli.dll");

        public static ProcessResult Run(params string[] args) => Run(args, workingDirectory: null);

        public static ProcessResult Run(IEnumerable<string> args, string? workingDirectory, TimeSpan? timeout = null)
        {
            if (!File.Exists(ToolPath)) throw new FileNotFoundException("the asyncprof tool is not in the test output folder", ToolPath);
            var all = new List<string> { ToolPath };
            all.AddRange(args);
            return ProcessRunner.Run("dotnet", all, workingDirectory, timeout: timeout ?? TimeSpan.FromMinutes(3));
        }

        /// <summary>The non-empty lines of a stream of output.</summary>
        public static IReadOnlyList<string> Lines(string text) =>
            text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
    }
}
