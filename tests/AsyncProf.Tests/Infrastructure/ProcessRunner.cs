using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace AsyncProf.Tests.Infrastructure
{
    public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr)
    {
        public string Output => StdOut + StdErr;
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StdOut}\n--- stderr\n{StdErr}";
    }

    /// <summary>Runs a child process to completion with captured output and a hard timeout.</summary>
    public static class ProcessRunner
    {
        public static ProcessResult Run(string fileName, IEnumerable<string> args, string? workingDirectory = null,
            IDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
        {
            var psi = new ProcessStartInfo(fileName)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory ?? RepoPaths.Root,
            };
            foreach (var a in args) psi.ArgumentList.Add(a);
            // Child dotnet processes must not inherit the test host's profiling or MSBuild node settings.
            psi.Environment.Remove("ASYNCPROF_OUTPUT");
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            if (environment != null)
                foreach (var kv in environment)
                    if (kv.Value == null) psi.Environment.Remove(kv.Key); else psi.Environment[kv.Key] = kv.Value;

            using var p = new Process { StartInfo = psi };
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            p.OutputDataReceived += (_, e) => { if (e.Data != null) lock (stdout) stdout.AppendLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (stderr) stderr.AppendLine(e.Data); };
            p.Start();
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            var limit = timeout ?? TimeSpan.FromMinutes(5);
            if (!p.WaitForExit((int)limit.TotalMilliseconds))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new TimeoutException($"{fileName} {string.Join(" ", args)} did not finish within {limit}\n{stdout}\n{stderr}");
            }
            p.WaitForExit();
            return new ProcessResult(p.ExitCode, stdout.ToString(), stderr.ToString());
        }

        public static ProcessResult Dotnet(params string[] args) => Run("dotnet", args);
    }
}
