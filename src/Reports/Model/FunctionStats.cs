namespace AsyncProf.Reports
{
    /// <summary>One entry of <c>functions</c>: totals of a function over its tree nodes.</summary>
    public sealed class FunctionStats : CallFigures
    {
        public long Id { get; init; }
        /// <summary>Source-level display name, <c>Namespace.Type.Method</c>.</summary>
        public string Name { get; init; } = "";
        /// <summary><c>sync</c>, <c>async</c>, <c>task</c> (returns an awaitable without being compiled async), <c>iterator</c> or <c>async-iterator</c> (kept as written, so newer kinds still read).</summary>
        public string Kind { get; init; } = "";
        public string? Module { get; init; }
        public string? File { get; init; }
        public int Line { get; init; }

        /// <summary>Wall time per completed call, or null without completed calls.</summary>
        public double? WallNsPerCall => Calls == 0 ? null : (double)WallNs / Calls;

        public override string ToString() => $"{Name} ({Kind}, {Calls} calls)";
    }
}
