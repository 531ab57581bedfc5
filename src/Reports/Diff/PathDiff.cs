using System.Collections.Generic;
using System.Text;

namespace AsyncProf.Reports.Diff
{
    /// <summary>
    /// One frame of the merged tree: a call path (the frames from a root down to here) matched by its frames' names
    /// in both profiles' bounded frame trees, so detached lanes and collapsed recursion match their counterparts.
    /// </summary>
    public sealed class PathDiff : DiffEntry
    {
        internal readonly List<PathDiff> ChildList = new();
        internal readonly Dictionary<string, PathDiff> ChildByKey = new();

        internal PathDiff(int index, string key, string name, PathDiff? parent)
        {
            Index = index;
            Key = key;
            Name = name;
            Parent = parent;
            Depth = parent == null ? 0 : parent.Depth + 1;
        }

        /// <summary>Position in <see cref="ProfileDiff.Paths"/> (a parent before its children).</summary>
        public int Index { get; }
        /// <summary>What matches it with the other side's frame under the same parent: the function's name, or the marker's kind.</summary>
        public string Key { get; }
        /// <summary>The frame's name: the function's display name, or a marker's text (<c>[detached from F]</c>).</summary>
        public string Name { get; internal set; }
        public PathDiff? Parent { get; }
        public IReadOnlyList<PathDiff> Children => ChildList;
        public int Depth { get; }
        /// <summary>A detached lane or a collapsed-stack marker, not a function's calls.</summary>
        public bool IsMarker { get; internal set; }

        /// <summary>The frames from the root down to this one.</summary>
        public IReadOnlyList<PathDiff> Stack()
        {
            var stack = new List<PathDiff>();
            for (var p = this; p != null; p = p.Parent) stack.Add(p);
            stack.Reverse();
            return stack;
        }

        public override string Label => PathText(int.MaxValue);

        /// <summary>The path as "Root > ... > Leaf", keeping at most <paramref name="maxFrames"/> frames next to the leaf.</summary>
        public string PathText(int maxFrames)
        {
            var stack = Stack();
            var text = new StringBuilder();
            var skip = stack.Count > maxFrames ? stack.Count - maxFrames : 0;
            if (skip > 0) text.Append("... > ");
            for (var i = skip; i < stack.Count; i++)
            {
                if (i > skip) text.Append(" > ");
                text.Append(stack[i].Name);
            }
            return text.ToString();
        }
    }
}
