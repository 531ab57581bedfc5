using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using AsyncProf.Tests.Infrastructure;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>
    /// A throwaway PostgreSQL cluster from Debian's binaries (/usr/lib/postgresql/&lt;version&gt;/bin, installed by
    /// .ci/setup.sh): initdb into a fresh temporary folder, trust authentication, listening on 127.0.0.1 on a free
    /// port with its unix socket in that folder; stopped and deleted by <see cref="Dispose"/>. The server refuses to
    /// run as root, so as root initdb and pg_ctl run as the `postgres` user (runuser), which owns the folder.
    /// A missing binary or user is a failure naming .ci/setup.sh, never a skip.
    /// </summary>
    public sealed class PostgresServer : IDisposable
    {
        const string DebianRoot = "/usr/lib/postgresql";
        const string SetupHint = "run .ci/setup.sh (as root), which installs Debian's postgresql";

        readonly string binDir;
        readonly string folder;
        readonly bool asPostgresUser;
        bool stopped;

        public int Port { get; }
        public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60";
        string DataDir => Path.Combine(folder, "data");
        string LogFile => Path.Combine(folder, "server.log");

        PostgresServer(string binDir, string folder, bool asPostgresUser, int port)
        {
            this.binDir = binDir;
            this.folder = folder;
            this.asPostgresUser = asPostgresUser;
            Port = port;
        }

        public static PostgresServer Start()
        {
            var binDir = FindBinDir();
            var asPostgresUser = geteuid() == 0;
            var folder = Path.Combine(Path.GetTempPath(), "asyncprof-pg-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(folder);
            var server = new PostgresServer(binDir, folder, asPostgresUser, LoopbackPort.Free());
            try
            {
                if (asPostgresUser) server.Check(ProcessRunner.Run("chown", new[] { "postgres:", folder }), "chown of " + folder + " to the postgres user");
                server.Run("initdb", "-D", server.DataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync");
                // The tests' data is throwaway: no durability work on a loaded machine.
                var options = $"-p {server.Port} -h 127.0.0.1 -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
                server.Run("pg_ctl", "-D", server.DataDir, "-l", server.LogFile, "-o", options, "-w", "-t", "60", "start");
                return server;
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }

        /// <summary>Stops the server (immediate: the data is thrown away) and deletes its folder.</summary>
        public void Dispose()
        {
            if (stopped) return;
            stopped = true;
            try
            {
                if (File.Exists(Path.Combine(DataDir, "postmaster.pid")))
                    Run("pg_ctl", "-D", DataDir, "-m", "immediate", "-w", "-t", "60", "stop");
            }
            catch (Exception e)
            {
                // Reported, not thrown: a failing stop must not hide the error of the run it ends.
                NUnit.Framework.TestContext.Progress.WriteLine("PostgreSQL test server did not stop: " + e.Message);
            }
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }

        void Run(string tool, params string[] args)
        {
            var path = Path.Combine(binDir, tool);
            var result = asPostgresUser
                ? ProcessRunner.Run("runuser", new[] { "-u", "postgres", "--", path }.Concat(args), folder, timeout: TimeSpan.FromMinutes(2))
                : ProcessRunner.Run(path, args, folder, timeout: TimeSpan.FromMinutes(2));
            Check(result, tool + " " + string.Join(" ", args));
        }

        void Check(ProcessResult result, string what)
        {
            if (result.ExitCode == 0) return;
            var log = File.Exists(LogFile) ? "\n--- server log\n" + File.ReadAllText(LogFile) : "";
            throw new InvalidOperationException($"PostgreSQL test server: {what} failed\n{result}{log}");
        }

        /// <summary>The bin folder of the newest installed PostgreSQL with initdb and pg_ctl; fails naming the setup script.</summary>
        static string FindBinDir()
        {
            var candidates = Directory.Exists(DebianRoot)
                ? Directory.GetDirectories(DebianRoot)
                    .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                    .Where(c => File.Exists(Path.Combine(c.Dir, "initdb")) && File.Exists(Path.Combine(c.Dir, "pg_ctl")))
                    .OrderByDescending(c => c.Version).Select(c => c.Dir).ToList()
                : new List<string>();
            if (candidates.Count == 0)
                throw new InvalidOperationException($"PostgreSQL server binaries (initdb, pg_ctl) not found in {DebianRoot}/*/bin: {SetupHint}");
            if (geteuid() == 0 && !File.ReadAllLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
                throw new InvalidOperationException($"the tests run as root and there is no 'postgres' user to run the server as: {SetupHint}");
            return candidates[0];
        }

        [DllImport("libc", SetLastError = false)]
        static extern uint geteuid();
    }
}
