using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace AsyncProf.Tests.Build
{
    /// <summary>
    /// A built ASP.NET Core app started as `dotnet App.dll --urls http://127.0.0.1:0` (loopback, a port the OS picks),
    /// its address read from Kestrel's "Now listening on" line. Stopped by the test through the app's own endpoint so
    /// it exits normally (and writes its profile); killed only if it does not.
    /// </summary>
    public sealed class ServerProcess : IDisposable
    {
        static readonly Regex Listening = new(@"Now listening on:\s*(http://127\.0\.0\.1:\d+)", RegexOptions.Compiled);

        readonly Process process;
        readonly StringBuilder output = new();
        readonly ManualResetEventSlim ready = new();
        string? address;

        public ServerProcess(string appDll, IDictionary<string, string?> environment)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = System.IO.Path.GetDirectoryName(appDll)!,
            };
            psi.ArgumentList.Add(appDll);
            psi.ArgumentList.Add("--urls");
            psi.ArgumentList.Add("http://127.0.0.1:0");
            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            psi.Environment.Remove("ASPNETCORE_URLS");
            psi.Environment.Remove("ASYNCPROF_OUTPUT");
            foreach (var kv in environment)
                if (kv.Value == null) psi.Environment.Remove(kv.Key); else psi.Environment[kv.Key] = kv.Value;

            process = new Process { StartInfo = psi };
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        void OnLine(string? line)
        {
            if (line == null) return;
            lock (output) output.AppendLine(line);
            var match = Listening.Match(line);
            if (match.Success && address == null)
            {
                address = match.Groups[1].Value;
                ready.Set();
            }
        }

        public string Output { get { lock (output) return output.ToString(); } }

        /// <summary>The base address, once the server listens.</summary>
        public string WaitUntilListening(TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!ready.Wait(100))
            {
                if (process.HasExited)
                    throw new InvalidOperationException($"the server exited with {process.ExitCode} before listening\n{Output}");
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"the server did not listen within {timeout}\n{Output}");
            }
            return address!;
        }

        /// <summary>Waits for a normal exit; kills the process tree after <paramref name="timeout"/>.</summary>
        public int WaitForExit(TimeSpan timeout)
        {
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new TimeoutException($"the server did not stop within {timeout}\n{Output}");
            }
            process.WaitForExit();
            return process.ExitCode;
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException) { }
            process.Dispose();
            ready.Dispose();
        }
    }
}
