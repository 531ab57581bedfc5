using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncProf.Reports.Analysis
{
    /// <summary>
    /// The critical path (docs/profile-schema.md#critical-path): from the root with the most wall time down, at each
    /// call the callee its resumptions waited on last. The text report (<c>--critical-path</c>) lists it, the HTML
    /// report marks its frames.
    /// </summary>
    public static class CriticalPath
    {
        /// <summary>The path: a root, then at each step the child with the most critical time (none left: the path ends).</summary>
        public static IReadOnlyList<CallTreeNode> Of(Profile profile)
        {
            if (profile == null) throw new ArgumentNullException(nameof(profile));
            var path = new List<CallTreeNode>();
            var node = profile.Roots.OrderByDescending(r => r.WallNs).ThenBy(r => r.Id).FirstOrDefault();
            while (node != null)
            {
                path.Add(node);
                node = profile.CallTree.Children(node).Where(c => c.CriticalNs > 0)
                    .OrderByDescending(c => c.CriticalNs).ThenByDescending(c => c.CriticalCount).ThenBy(c => c.Id).FirstOrDefault();
            }
            return path;
        }
    }
}
