using AsyncProf.Tests.Infrastructure;
using NUnit.Framework;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>
    /// Npgsql's public async APIs against a real PostgreSQL whose every measured query sleeps 25 ms on the server
    /// (pg_sleep): the API the app awaits must show that wait in its wall time, and little CPU. Npgsql writes them as
    /// plain methods returning the task of an async core (<c>ExecuteReaderAsync(...) =&gt; ExecuteReader(async: true, ...)</c>),
    /// the shape issue 7 is about: profiled as sync, their call ended when the task was handed back.
    ///
    /// Bounds: the server holds each call for at least 25 ms, so 20 calls take at least 500 ms of wall whatever the
    /// machine. The client's CPU per query is about a millisecond once JIT-compiled (the warm-up query takes the
    /// compilation out of these callers), so half the wall is a bound no correct profile comes near, while a profile
    /// that counts waiting as CPU, or CPU of the async core but not its wait, does.
    /// </summary>
    [TestFixture, NonParallelizable]
    [Category(Categories.Integration)]
    public class PostgresProfileTests
    {
        const string ReaderQuery = "LibraryWorkload.PostgresSteps.ReaderQuery", ScalarQuery = "LibraryWorkload.PostgresSteps.ScalarQuery";
        const int Readers = 20, Scalars = 5;
        const long ServerSleepNs = 25_000_000;

        static CallTotals Calls(string caller, string callee) => LibraryCalls.From(LibraryWorkloadRun.Shared.Profile, caller, callee);

        [Test]
        public void TheWorkloadItselfWaitsForTheServer()
        {
            // The control: the workload's own async method is woven as async from the start.
            var query = LibraryWorkloadRun.Shared.Profile.Function(ReaderQuery);
            Assert.That(query.WallNs, Is.GreaterThanOrEqualTo(Readers * ServerSleepNs), query.ToString());
        }

        [TestCase(ReaderQuery, "Npgsql.NpgsqlCommand.ExecuteReaderAsync", Readers)]
        [TestCase(ScalarQuery, "Npgsql.NpgsqlCommand.ExecuteScalarAsync", Scalars)]
        public void QueryApiWallCoversTheServersTime(string caller, string api, int queries)
        {
            var calls = Calls(caller, api);
            Assert.That(calls.WallNs, Is.GreaterThanOrEqualTo(queries * ServerSleepNs),
                $"{queries} queries each sleeping 25 ms on the server, awaited through {api}\n{calls}");
        }

        [TestCase(ReaderQuery, "Npgsql.NpgsqlCommand.ExecuteReaderAsync")]
        [TestCase(ScalarQuery, "Npgsql.NpgsqlCommand.ExecuteScalarAsync")]
        public void QueryApiCpuIsFarBelowItsWall(string caller, string api)
        {
            var calls = Calls(caller, api);
            Assert.That(calls.CpuNs, Is.LessThanOrEqualTo(calls.WallNs / 2), "waiting for the server is not CPU\n" + calls);
        }

        [TestCase(ReaderQuery, "Npgsql.NpgsqlConnection.OpenAsync")]
        [TestCase(ScalarQuery, "Npgsql.NpgsqlConnection.OpenAsync")]
        [TestCase(ReaderQuery, "Npgsql.NpgsqlDataReader.ReadAsync")]
        [TestCase(ReaderQuery, "Npgsql.NpgsqlDataReader.DisposeAsync")]
        [TestCase(ReaderQuery, "Npgsql.NpgsqlConnection.DisposeAsync")]
        public void OtherAsyncApisCpuIsWithinTheirWall(string caller, string api)
        {
            var calls = Calls(caller, api);
            Assert.That(calls.Calls, Is.GreaterThan(0), calls.ToString());
            Assert.That(calls.CpuNs, Is.LessThanOrEqualTo(calls.WallNs + ProfileInvariants.CpuToleranceNs(calls.WallNs)), calls.ToString());
        }
    }
}
