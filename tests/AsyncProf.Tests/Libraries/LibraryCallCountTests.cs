using System.Collections.Generic;
using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>
    /// Exact call counts of the library entry points the workload calls, per calling method of the workload (see the
    /// step classes of tests/Fixtures/LibraryWorkload for where each count comes from). A task-returning API is one
    /// call however often its task's code resumes; overloads count together (<see cref="LibraryCalls"/>).
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class LibraryCallCountTests
    {
        const string W = "LibraryWorkload.";
        const int PgReaders = 20, PgScalars = 5, RedisKeys = 20, RedisSlowReads = 5, PollyOps = 3, SqliteInserts = 10, SqliteQueries = 5, Orders = 10;

        public static IEnumerable<TestCaseData> EntryPoints()
        {
            TestCaseData Case(string caller, string callee, int calls) =>
                new TestCaseData(W + caller, callee, calls).SetName($"{callee} from {caller}: {calls} calls");

            // Npgsql (PostgresSteps): a warm-up query, 20 reader queries (one row, then the end: 2 reads), 5 scalars.
            yield return Case("PostgresSteps.WarmUp", "Npgsql.NpgsqlConnection.OpenAsync", 1);
            yield return Case("PostgresSteps.WarmUp", "Npgsql.NpgsqlCommand.ExecuteReaderAsync", 1);
            yield return Case("PostgresSteps.WarmUp", "Npgsql.NpgsqlDataReader.ReadAsync", 2);
            yield return Case("PostgresSteps.WarmUp", "Npgsql.NpgsqlCommand.ExecuteScalarAsync", 1);
            yield return Case("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlConnection.OpenAsync", PgReaders);
            yield return Case("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlCommand.ExecuteReaderAsync", PgReaders);
            yield return Case("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlDataReader.ReadAsync", 2 * PgReaders);
            yield return Case("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlDataReader.DisposeAsync", PgReaders);
            yield return Case("PostgresSteps.ReaderQuery", "Npgsql.NpgsqlConnection.DisposeAsync", PgReaders);
            yield return Case("PostgresSteps.ScalarQuery", "Npgsql.NpgsqlConnection.OpenAsync", PgScalars);
            yield return Case("PostgresSteps.ScalarQuery", "Npgsql.NpgsqlCommand.ExecuteScalarAsync", PgScalars);
            yield return Case("PostgresSteps.ScalarQuery", "Npgsql.NpgsqlConnection.DisposeAsync", PgScalars);

            // StackExchange.Redis (RedisSteps): one connection, a warm-up, one set and one get per key, then the slow reads.
            yield return Case("RedisSteps.RunAsync", "StackExchange.Redis.ConnectionMultiplexer.ConnectAsync", 1);
            yield return Case("RedisSteps.RunAsync", "StackExchange.Redis.ConnectionMultiplexer.GetDatabase", 1);
            yield return Case("RedisSteps.RunAsync", "StackExchange.Redis.ConnectionMultiplexer.DisposeAsync", 1);
            yield return Case("RedisSteps.WarmUp", "StackExchange.Redis.RedisDatabase.StringSetAsync", 1);
            yield return Case("RedisSteps.WarmUp", "StackExchange.Redis.RedisDatabase.StringGetAsync", 1);
            yield return Case("RedisSteps.WarmUp", "StackExchange.Redis.RedisDatabase.ScriptEvaluateAsync", 1);
            yield return Case("RedisSteps.SetAndGet", "StackExchange.Redis.RedisDatabase.StringSetAsync", RedisKeys);
            yield return Case("RedisSteps.SetAndGet", "StackExchange.Redis.RedisDatabase.StringGetAsync", RedisKeys);
            yield return Case("RedisSteps.SlowRead", "StackExchange.Redis.RedisDatabase.ScriptEvaluateAsync", RedisSlowReads);

            // Polly (RetrySteps): one pipeline, one ExecuteAsync per operation.
            yield return Case("RetrySteps.RunAsync", "Polly.RetryResiliencePipelineBuilderExtensions.AddRetry", 1);
            yield return Case("RetrySteps.RunAsync", "Polly.ResiliencePipelineBuilder.Build", 1);
            yield return Case("RetrySteps.Retried", "Polly.ResiliencePipeline.ExecuteAsync", PollyOps);

            // Dapper over SQLite (SqliteSteps). OpenAsync is DbConnection's (the framework's, not woven): it calls Open.
            yield return Case("SqliteSteps.RunAsync", "Microsoft.Data.Sqlite.SqliteConnection.Open", 1);
            yield return Case("SqliteSteps.CreateTable", "Dapper.SqlMapper.ExecuteAsync", 1);
            yield return Case("SqliteSteps.Insert", "Dapper.SqlMapper.ExecuteAsync", SqliteInserts);
            yield return Case("SqliteSteps.Query", "Dapper.SqlMapper.QueryAsync", SqliteQueries);
            yield return Case("SqliteSteps.RunAsync", "Dapper.SqlMapper.ExecuteScalarAsync", 1);

            // Newtonsoft.Json (JsonSteps): each order serialized once and read back once.
            yield return Case("JsonSteps.RoundTrip", "Newtonsoft.Json.JsonConvert.SerializeObject", Orders);
            yield return Case("JsonSteps.RoundTrip", "Newtonsoft.Json.JsonConvert.DeserializeObject", Orders);

            // FluentValidation (ValidationSteps): one validator, each order validated once.
            yield return Case("ValidationSteps.OrderValidator..ctor", "FluentValidation.AbstractValidator<T>.RuleFor", 3);
            yield return Case("ValidationSteps.OrderValidator..ctor", "FluentValidation.DefaultValidatorExtensions.MustAsync", 1);
            yield return Case("ValidationSteps.Validate", "FluentValidation.AbstractValidator<T>.ValidateAsync", Orders);
        }

        [TestCaseSource(nameof(EntryPoints))]
        public void WorkloadCallsOfALibraryEntryPoint(string caller, string callee, int expected)
        {
            var totals = LibraryCalls.From(LibraryWorkloadRun.Shared.Profile, caller, callee);
            Assert.That(totals.Calls, Is.EqualTo(expected), totals.ToString());
        }

        [Test]
        public void PollyRunsTheCallbackTwicePerOperationAndTheFirstAttemptFaults()
        {
            var callback = LibraryWorkloadRun.Shared.Profile.Function(W + "RetrySteps.Retried.lambda#1");
            Assert.Multiple(() =>
            {
                Assert.That(callback.Kind, Is.EqualTo("async"), callback.ToString());
                Assert.That(callback.Calls, Is.EqualTo(2 * PollyOps), callback.ToString());
                Assert.That(callback.Faults, Is.EqualTo(PollyOps), callback.ToString());
                Assert.That(callback.InFlight, Is.EqualTo(0), callback.ToString());
            });
        }

        [Test]
        public void FluentValidationRunsTheAsyncRuleOncePerOrder()
        {
            // lambda#1 is the ChildRules action; the RuleFor selectors are expression trees, not methods.
            var rule = LibraryWorkloadRun.Shared.Profile.Function(W + "ValidationSteps.OrderValidator..ctor.lambda#2");
            Assert.Multiple(() =>
            {
                Assert.That(rule.Kind, Is.EqualTo("async"), rule.ToString());
                Assert.That(rule.Calls, Is.EqualTo(Orders), rule.ToString());
                Assert.That(rule.Suspends, Is.EqualTo(Orders), "one Task.Yield per call\n" + rule);
            });
        }

        [Test]
        public void WorkloadStepsAreCalledAsOften()
        {
            var p = LibraryWorkloadRun.Shared.Profile;
            Assert.Multiple(() =>
            {
                Assert.That(p.Function(W + "PostgresSteps.ReaderQuery").Calls, Is.EqualTo(PgReaders));
                Assert.That(p.Function(W + "PostgresSteps.ScalarQuery").Calls, Is.EqualTo(PgScalars));
                Assert.That(p.Function(W + "RedisSteps.SetAndGet").Calls, Is.EqualTo(RedisKeys));
                Assert.That(p.Function(W + "RedisSteps.SlowRead").Calls, Is.EqualTo(RedisSlowReads));
                Assert.That(p.Function(W + "RetrySteps.Retried").Calls, Is.EqualTo(PollyOps));
                Assert.That(p.Function(W + "SqliteSteps.Insert").Calls, Is.EqualTo(SqliteInserts));
                Assert.That(p.Function(W + "JsonSteps.RoundTrip").Calls, Is.EqualTo(Orders));
                Assert.That(p.Function(W + "ValidationSteps.Validate").Calls, Is.EqualTo(Orders));
                Assert.That(p.Function(W + "Program.Main").Calls, Is.EqualTo(1));
            });
        }
    }
}
