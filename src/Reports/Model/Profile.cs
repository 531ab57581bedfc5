using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncProf.Reports
{
    /// <summary>
    /// An <c>asyncprof/1</c> profile as read by <see cref="ProfileReader"/> (docs/profile-schema.md). Immutable;
    /// every renderer and exporter works from this model, never from the JSON.
    /// </summary>
    public sealed class Profile
    {
        public const string SchemaId = "asyncprof/1";

        readonly Dictionary<long, FunctionStats> _functionsById;
        readonly Lazy<CallTree> _callTree;

        public Profile(ProcessInfo process, IReadOnlyList<FunctionStats> functions, IReadOnlyList<EdgeStats> edges,
            IReadOnlyList<CallTreeNode> tree, string? sourcePath = null)
            : this(process, functions, edges, tree, timeline: null, sourcePath)
        {
        }

        public Profile(ProcessInfo process, IReadOnlyList<FunctionStats> functions, IReadOnlyList<EdgeStats> edges,
            IReadOnlyList<CallTreeNode> tree, Timeline? timeline, string? sourcePath = null)
        {
            Process = process ?? throw new ArgumentNullException(nameof(process));
            Functions = functions ?? throw new ArgumentNullException(nameof(functions));
            Edges = edges ?? throw new ArgumentNullException(nameof(edges));
            Tree = tree ?? throw new ArgumentNullException(nameof(tree));
            Timeline = timeline;
            SourcePath = sourcePath;
            _functionsById = new Dictionary<long, FunctionStats>();
            foreach (var f in functions) _functionsById[f.Id] = f;
            _callTree = new Lazy<CallTree>(() => new CallTree(Tree));
        }

        /// <summary>The file this profile was read from, when it was read from one.</summary>
        public string? SourcePath { get; }
        public ProcessInfo Process { get; }
        /// <summary>The HTTP request the profile is of (<c>request</c>), or null for a profile of anything else.</summary>
        public RequestInfo? Request { get; init; }
        /// <summary>Per function totals, in file order.</summary>
        public IReadOnlyList<FunctionStats> Functions { get; }
        /// <summary>
        /// The file's <c>edges</c> as written, kept so that a profile written again keeps them. The reports never show
        /// these: the tree is the truth, and every report draws the edges derived from it
        /// (<see cref="Analysis.CallTreeFigures.Edges"/>), which agree with the runtime's on every profile it writes.
        /// </summary>
        public IReadOnlyList<EdgeStats> Edges { get; }
        /// <summary>The calling-context tree, in file order (a parent before its children).</summary>
        public IReadOnlyList<CallTreeNode> Tree { get; }
        /// <summary>The tree's structure (parents, children, depths, lanes): the one index of it, built on first use.</summary>
        public CallTree CallTree => _callTree.Value;
        /// <summary>The per-call timeline, or null when the session did not record one.</summary>
        public Timeline? Timeline { get; }
        /// <summary>The <c>blocking</c> section, most time blocked first; empty when the file has none.</summary>
        public IReadOnlyList<BlockingSite> BlockingSites { get; init; } = Array.Empty<BlockingSite>();

        public IReadOnlyList<CallTreeNode> Roots => CallTree.Roots;

        /// <summary>Every tree node has the wall split (running, blocked, suspended): files from before it have none.</summary>
        public bool HasWallSplit => Tree.Count > 0 && Tree.All(n => n.HasWallSplit);

        /// <summary>The wall split has GC pauses in it somewhere: only then do the reports show a GC part.</summary>
        public bool HasGcPauses => HasWallSplit && Tree.Any(n => n.GcNs > 0);

        /// <summary>Some continuation waited for a thread: only then do the reports show a queued part.</summary>
        public bool HasQueuedTime => HasWallSplit && Tree.Any(n => n.QueuedNs > 0);

        public FunctionStats Function(long id) =>
            _functionsById.TryGetValue(id, out var f) ? f : throw new KeyNotFoundException($"no function with id {id}");

        public FunctionStats? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);
    }

    /// <summary>The profiled process (<c>process</c> object). Fields the file leaves out are null or 0.</summary>
    public sealed class ProcessInfo
    {
        public string? Name { get; init; }
        public int Pid { get; init; }
        public string? CommandLine { get; init; }
        public string? Runtime { get; init; }
        public string? OS { get; init; }
        public int ProcessorCount { get; init; }
        public DateTimeOffset? StartedUtc { get; init; }
        public long DurationNs { get; init; }
        public CpuClockInfo? CpuClock { get; init; }
        /// <summary>The wall clock the runtime timed calls with (<c>process.clock</c>: "tsc" or "stopwatch"), or null.</summary>
        public string? Clock { get; init; }
        /// <summary>The probe's own cost, subtracted from every figure (<c>process.probeCorrection</c>), or null: uncorrected.</summary>
        public ProbeCorrectionInfo? ProbeCorrection { get; init; }
        /// <summary>A problem the runtime reported while recording (<c>process.error</c>, optional), or null.</summary>
        public string? Error { get; init; }
    }

    /// <summary>How the runtime measured thread CPU time (<c>process.cpuClock</c>).</summary>
    public sealed class CpuClockInfo
    {
        public string? Scheme { get; init; }
        public long WindowNs { get; init; }
    }

    /// <summary>What the runtime took off the figures for its own probe (<c>process.probeCorrection</c>).</summary>
    public sealed class ProbeCorrectionInfo
    {
        /// <summary>Per recorded call: the part inside the call's own timing, and the part charged to its caller.</summary>
        public double InsideNs { get; init; }
        public double OutsideNs { get; init; }
        /// <summary>The stated error per corrected call (spread of the calibration).</summary>
        public double ErrorNs { get; init; }
        public long SubtractedWallNs { get; init; }
        /// <summary>The calibration's rounds and the calls timed in each (<c>rounds</c>, <c>callsPerRound</c>), or null when the file has none.</summary>
        public long? Rounds { get; init; }
        public long? CallsPerRound { get; init; }

        /// <summary>The calibration loop's own figures (<c>calibration</c>), or null when the file has none.</summary>
        public ProbeCalibrationInfo? Calibration { get; init; }
        /// <summary>The probe's tails sampled in the recording itself (<c>inPlace</c>), or null when too few were sampled.</summary>
        public ProbeInPlaceInfo? InPlace { get; init; }

        /// <summary>One line for report headers.</summary>
        public override string ToString() =>
            FormattableString.Invariant($"probe cost subtracted: {InsideNs + OutsideNs:0.#} ns per recorded call ({InsideNs:0.#} inside the call, {OutsideNs:0.#} in its caller), error ±{ErrorNs:0.#} ns per call")
            + (InPlace is { } inPlace ? FormattableString.Invariant($", measured in place on {inPlace.Events:N0} sampled probe events") : "");
    }

    /// <summary>The calibration loop's per-call cost and its sampled tails (<c>process.probeCorrection.calibration</c>).</summary>
    public sealed class ProbeCalibrationInfo
    {
        public double InsideNs { get; init; }
        public double OutsideNs { get; init; }
        public double EnterTailNs { get; init; }
        public double ExitTailNs { get; init; }
    }

    /// <summary>The probe tails sampled while the profile recorded (<c>process.probeCorrection.inPlace</c>).</summary>
    public sealed class ProbeInPlaceInfo
    {
        public long Events { get; init; }
        public double EnterTailNs { get; init; }
        public double ExitTailNs { get; init; }
    }
}
