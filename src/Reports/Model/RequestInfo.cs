namespace AsyncProf.Reports
{
    /// <summary>
    /// The HTTP request a profile is of (<c>request</c>, optional: written by AsyncProf.AspNetCore for a profiled
    /// request, absent from other profiles). Fields the file leaves out are null.
    /// </summary>
    public sealed class RequestInfo
    {
        /// <summary>The id the profile was stored and fetched under.</summary>
        public string? ProfileId { get; init; }
        public string? Method { get; init; }
        /// <summary>The path, without the query.</summary>
        public string? Path { get; init; }
        /// <summary>The route template of the endpoint that served it (<c>/orders/{id:int}</c>), or null.</summary>
        public string? Route { get; init; }
        public int? Status { get; init; }
        public long? DurationNs { get; init; }
        /// <summary>The W3C trace id (32 hex digits) of the request's Activity, to find the profile from a distributed trace.</summary>
        public string? TraceId { get; init; }

        /// <summary>One line for report headers: <c>GET /orders/42 (/orders/{id:int}) → 200 in 12.3 ms, trace 4bf9...</c>.</summary>
        public override string ToString()
        {
            var line = $"{Method} {Path}";
            if (Route != null && Route != Path) line += $" ({Route})";
            if (Status != null) line += $" -> {Status}";
            if (DurationNs != null) line += System.FormattableString.Invariant($" in {DurationNs.Value / 1e6:0.###} ms");
            if (TraceId != null) line += $", trace {TraceId}";
            return line.Trim();
        }
    }
}
