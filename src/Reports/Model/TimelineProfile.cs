using System.Collections.Generic;

namespace AsyncProf.Reports
{
    // The optional timeline section, kept apart from Profile.cs (which another part of the code base owns).
    public sealed partial class Profile
    {
        public Profile(ProcessInfo process, IReadOnlyList<FunctionStats> functions, IReadOnlyList<EdgeStats> edges,
            IReadOnlyList<TreeNode> tree, Timeline? timeline, string? sourcePath = null)
            : this(process, functions, edges, tree, sourcePath)
        {
            Timeline = timeline;
        }

        /// <summary>The per-call timeline, or null when the session did not record one.</summary>
        public Timeline? Timeline { get; }
    }
}
