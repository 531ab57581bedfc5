using System;
using System.Collections.Generic;

namespace AsyncProf.Reports
{
    /// <summary>
    /// The calling-context tree of a <see cref="Profile"/> as a structure: each node's parent, children, depth and
    /// lane. It is the one index of the tree in Reports; <see cref="Analysis.CallTreeFigures"/> derives every figure the
    /// reports show from it. A node whose parent is not listed before it counts as a root (the reader refuses such
    /// files, a profile built in code may have one).
    /// </summary>
    public sealed class CallTree
    {
        readonly Dictionary<long, int> _index = new();
        readonly CallTreeNode[] _nodes;
        readonly List<CallTreeNode>[] _children;
        readonly int[] _parent;
        readonly int[] _depth;
        readonly int[] _root;

        public CallTree(IReadOnlyList<CallTreeNode> tree)
        {
            if (tree == null) throw new ArgumentNullException(nameof(tree));
            var n = tree.Count;
            _nodes = new CallTreeNode[n];
            for (var i = 0; i < n; i++)
            {
                _nodes[i] = tree[i];
                _index[tree[i].Id] = i;
            }
            _parent = new int[n];
            _children = new List<CallTreeNode>[n];
            _depth = new int[n];
            _root = new int[n];
            var roots = new List<CallTreeNode>();
            for (var i = 0; i < n; i++)
            {
                _children[i] = new List<CallTreeNode>();
                var node = _nodes[i];
                if (node.Parent is long p && _index.TryGetValue(p, out var pi) && pi < i)
                {
                    _parent[i] = pi;
                    _children[pi].Add(node);
                    _depth[i] = _depth[pi] + 1;
                    _root[i] = _root[pi];
                }
                else
                {
                    _parent[i] = -1;
                    _root[i] = i;
                    roots.Add(node);
                }
            }
            Roots = roots;
        }

        /// <summary>The nodes in file order (a parent before its children).</summary>
        public IReadOnlyList<CallTreeNode> Nodes => _nodes;
        /// <summary>Nodes without a (listed) parent, in file order.</summary>
        public IReadOnlyList<CallTreeNode> Roots { get; }
        public int Count => _nodes.Length;

        public CallTreeNode Node(long id) =>
            _index.TryGetValue(id, out var i) ? _nodes[i] : throw new KeyNotFoundException($"no tree node with id {id}");

        /// <summary>The node's position in <see cref="Nodes"/>.</summary>
        public int IndexOf(CallTreeNode node) =>
            _index.TryGetValue(node.Id, out var i) ? i : throw new KeyNotFoundException($"node {node.Id} is not in this profile");

        public IReadOnlyList<CallTreeNode> Children(CallTreeNode node) => _children[IndexOf(node)];
        public CallTreeNode? Parent(CallTreeNode node) => ParentIndex(IndexOf(node)) is var p && p >= 0 ? _nodes[p] : null;
        /// <summary>0 for a root.</summary>
        public int Depth(CallTreeNode node) => _depth[IndexOf(node)];
        /// <summary>The root the node hangs under (itself for a root), across detached lanes: the entry point its work came in through.</summary>
        public CallTreeNode Root(CallTreeNode node) => _nodes[_root[IndexOf(node)]];

        /// <summary>True for a node with detached calls that has a parent: its figures are not in its parent's.</summary>
        public bool IsDetached(CallTreeNode node) => IsDetached(IndexOf(node));

        // By position, for the derivations that walk the whole tree.
        internal int ParentIndex(int i) => _parent[i];
        internal IReadOnlyList<CallTreeNode> ChildrenAt(int i) => _children[i];
        internal bool IsDetached(int i) => _parent[i] >= 0 && _nodes[i].Detached > 0;
        /// <summary>A root, or a detached node: the top of a lane, whose figures are in no caller's.</summary>
        internal bool IsLaneTop(int i) => _parent[i] < 0 || _nodes[i].Detached > 0;
    }
}
