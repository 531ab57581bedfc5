using System;
using System.Collections.Generic;
using System.IO;
using AsyncProf.Tests.Infrastructure;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>
    /// tests/Fixtures/LibraryWorkload as a user profiles it, once per test run and shared by every library test:
    /// built with `dotnet build` (its packages restored from NuGet), the whole output folder copied and woven as
    /// shipped with `asyncprof weave &lt;folder&gt;`, then run plain and woven (ASYNCPROF_OUTPUT) against a throwaway
    /// PostgreSQL and redis-server that live only while the two runs do. A failure is cached too: every dependent
    /// test reports the same build, server or run error instead of retrying it.
    /// </summary>
    public sealed class LibraryWorkloadRun
    {
        public const string AssemblyName = "LibraryWorkload";

        /// <summary>The DLLs of the output folder that must be woven (the app and the libraries it uses).</summary>
        public static readonly string[] WovenAssemblies =
        {
            "LibraryWorkload", "Npgsql", "StackExchange.Redis", "Polly.Core", "Dapper", "Microsoft.Data.Sqlite",
            "Newtonsoft.Json", "FluentValidation",
        };

        static readonly Lazy<LibraryWorkloadRun> shared = new(RunNow);

        public static LibraryWorkloadRun Shared => shared.Value;

        public ProcessResult Weave { get; }
        public ProcessResult Plain { get; }
        public ProcessResult Woven { get; }
        public ProfileFile Profile { get; }

        LibraryWorkloadRun(ProcessResult weave, ProcessResult plain, ProcessResult woven, ProfileFile profile)
        {
            Weave = weave;
            Plain = plain;
            Woven = woven;
            Profile = profile;
        }

        static LibraryWorkloadRun RunNow()
        {
            var build = ProjectBuilds.Build(RepoPaths.Fixture(AssemblyName), "Release");
            var wovenDir = ProjectBuilds.CopyToFresh(build, "libraries");
            var weave = CliRunner.Run(new[] { "weave", wovenDir }, workingDirectory: null, TimeSpan.FromMinutes(5));
            if (weave.ExitCode != 0) throw new InvalidOperationException("asyncprof weave of the library workload failed\n" + weave);

            using var postgres = PostgresServer.Start();
            using var redis = RedisServer.Start();
            var args = new[] { postgres.ConnectionString, redis.Endpoint };

            var plain = RunApp(build, args, profilePath: null);
            var profilePath = Path.Combine(wovenDir, "profile.json");
            var woven = RunApp(wovenDir, args, profilePath);
            if (!File.Exists(profilePath)) throw new InvalidOperationException("the woven library workload wrote no profile\n" + woven);
            var run = new LibraryWorkloadRun(weave, plain, woven, ProfileFile.Load(profilePath));
            NUnit.Framework.TestContext.Progress.WriteLine(run.Figures());
            return run;
        }

        /// <summary>The main entry points' figures, for the test log: calls from the workload, wall and CPU.</summary>
        public string Figures()
        {
            var lines = new List<string> { $"library workload profile {Profile.Path}: calls from the workload's method" };
            foreach (var (caller, callee) in MainEntryPoints)
            {
                try { lines.Add("  " + LibraryCalls.From(Profile, "LibraryWorkload." + caller, callee)); }
                catch (KeyNotFoundException e) { lines.Add("  " + e.Message); }
            }
            return string.Join("\n", lines);
        }

        static readonly (string Caller, string Callee)[] MainEntryPoints =
        {
            ("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlConnection.OpenAsync"),
            ("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlCommand.ExecuteReaderAsync"),
            ("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlDataReader.ReadAsync"),
            ("PostgresSteps.ScalarQuery", "Npgsql.NpgsqlCommand.ExecuteScalarAsync"),
            ("RedisSteps.RunAsync", "StackExchange.Redis.ConnectionMultiplexer.ConnectAsync"),
            ("RedisSteps.SetAndGet", "StackExchange.Redis.RedisDatabase.StringSetAsync"),
            ("RedisSteps.SetAndGet", "StackExchange.Redis.RedisDatabase.StringGetAsync"),
            ("RedisSteps.SlowRead", "StackExchange.Redis.RedisDatabase.ScriptEvaluateAsync"),
            ("RetrySteps.Retried", "Polly.ResiliencePipeline.ExecuteAsync"),
            ("SqliteSteps.Insert", "Dapper.SqlMapper.ExecuteAsync"),
            ("SqliteSteps.Query", "Dapper.SqlMapper.QueryAsync"),
            ("JsonSteps.RoundTrip", "Newtonsoft.Json.JsonConvert.SerializeObject"),
            ("ValidationSteps.Validate", "FluentValidation.AbstractValidator<T>.ValidateAsync"),
        };

        static ProcessResult RunApp(string dir, string[] args, string? profilePath)
        {
            var all = new List<string> { Path.Combine(dir, AssemblyName + ".dll") };
            all.AddRange(args);
            var env = new Dictionary<string, string?> { ["ASYNCPROF_OUTPUT"] = profilePath };
            var result = ProcessRunner.Run("dotnet", all, dir, env, TimeSpan.FromMinutes(3));
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"the {(profilePath == null ? "plain" : "woven")} library workload failed\n{result}");
            return result;
        }
    }
}
