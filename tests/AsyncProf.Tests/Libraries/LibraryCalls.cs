using System;
using System.Collections.Generic;
using System.Linq;
using AsyncProf.Tests.Infrastructure;

namespace AsyncProf.Tests.Libraries
{
    /// <summary>What one caller's calls into a library entry point add up to: the edges from it to every overload.</summary>
    public sealed record CallTotals(string Caller, string Callee, long Calls, long WallNs, long CpuNs, IReadOnlyList<string> Overloads)
    {
        public double WallMs => WallNs / 1e6;
        public double CpuMs => CpuNs / 1e6;

        public override string ToString() =>
            $"{Caller} -> {Callee}: {Calls} calls, wall {WallMs:F1} ms, CPU {CpuMs:F1} ms (functions: {string.Join("; ", Overloads)})";
    }

    /// <summary>
    /// Finds library entry points by method name, whatever the display name adds: overloaded methods carry their
    /// parameter types (<c>Npgsql.NpgsqlCommand.ExecuteReaderAsync(CancellationToken)</c>) and generic ones their
    /// type parameters (<c>Dapper.SqlMapper.QueryAsync&lt;T&gt;</c>). Counting the edges from the workload's own
    /// method, rather than the library function's total, gives exactly the calls the workload made: overloads that
    /// call each other, and the library's own calls of the same method, are not counted.
    /// </summary>
    public static class LibraryCalls
    {
        /// <summary>True when <paramref name="displayName"/> is method <paramref name="name"/> (any overload, any type arguments).</summary>
        public static bool IsMethod(string displayName, string name) =>
            displayName == name
            || displayName.StartsWith(name + "(", StringComparison.Ordinal)
            || displayName.StartsWith(name + "<", StringComparison.Ordinal);

        /// <summary>The edges from function <paramref name="caller"/> (exact name) into every overload of <paramref name="callee"/>.</summary>
        public static CallTotals From(ProfileFile profile, string caller, string callee)
        {
            var callers = profile.Functions.Where(f => IsMethod(f.Name, caller)).Select(f => f.Id).ToHashSet();
            if (callers.Count == 0) throw new KeyNotFoundException($"no function '{caller}' in {profile.Path}");
            var callees = profile.Functions.Where(f => IsMethod(f.Name, callee)).ToDictionary(f => f.Id);
            var edges = profile.Edges.Where(e => e.Caller is long c && callers.Contains(c) && callees.ContainsKey(e.Callee)).ToList();
            var used = edges.Select(e => callees[e.Callee]).Distinct()
                .Select(f => $"{f.Name} [{f.Kind}]").OrderBy(n => n, StringComparer.Ordinal).ToList();
            return new CallTotals(caller, callee, edges.Sum(e => e.Calls), edges.Sum(e => e.WallNs), edges.Sum(e => e.CpuNs), used);
        }
    }
}
