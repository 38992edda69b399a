package composite

import (
	"errors"
	"fmt"
	"slices"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
)

// allowedBuiltins are the expr functions a formula may call: numeric ones
// and the predicates over arrays (KEDA documents `count([a, b], {# > 1})`).
// Every array is a literal of the formula (there are no ranges, strings or
// array values in the environment) and predicates do not nest, so each
// runs in time proportional to the formula's size.
var allowedBuiltins = []string{
	"abs", "ceil", "floor", "round", "int", "float", "min", "max", "sum", "mean", "median",
	"len", "first", "last", "all", "any", "none", "one", "count", "filter", "map",
	"find", "findIndex", "findLast", "findLastIndex", "reduce",
}

// allowedOperators are the binary operators a formula may use. Ranges
// (".."), membership and string operators are left out: they either
// allocate in proportion to a value or have no numeric meaning.
var allowedOperators = map[string]bool{
	"+": true, "-": true, "*": true, "/": true, "%": true, "**": true, "^": true,
	"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true,
	"&&": true, "||": true, "and": true, "or": true, "??": true,
}

// checkShape parses src and accepts only number, boolean and array
// literals, identifiers that are trigger names, the allowed operators, the
// conditional operator, calls of the allowed builtins and predicates
// (closures with #) that hold no other predicate. It returns the
// trigger names src reads, sorted. Everything it rejects is named in the
// error.
func checkShape(src string, names []string) ([]string, error) {
	cfg := conf.CreateNew()
	cfg.MaxNodes = maxNodes
	tree, err := parser.ParseWithConfig(src, cfg)
	if err != nil {
		return nil, errors.New(oneLine(err.Error()))
	}
	v := &shapeVisitor{known: names}
	ast.Walk(&tree.Node, v)
	if v.err != nil {
		return nil, v.err
	}
	slices.Sort(v.used)
	return slices.Compact(v.used), nil
}

type shapeVisitor struct {
	known []string
	used  []string
	err   error
}

// Visit implements ast.Visitor; it records the first problem.
func (v *shapeVisitor) Visit(node *ast.Node) {
	if v.err != nil {
		return
	}
	switch n := (*node).(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.NilNode,
		*ast.UnaryNode, *ast.ConditionalNode, *ast.ArrayNode, *ast.PointerNode:
	case *ast.PredicateNode:
		// A predicate runs once per element; one inside another would
		// multiply the work by each array's size at every level.
		inner := &predicateCounter{}
		ast.Walk(&n.Node, inner)
		if inner.n > 0 {
			v.err = errors.New("a predicate inside another predicate is not allowed in a formula")
		}
	case *ast.IdentifierNode:
		if !slices.Contains(v.known, n.Value) {
			v.err = fmt.Errorf("unknown name %q: the formula may use only the names of this object's triggers (cpu and memory excluded), and every trigger it uses needs a name; known: %v", truncate(n.Value, 64), v.known)
			return
		}
		v.used = append(v.used, n.Value)
	case *ast.BinaryNode:
		if !allowedOperators[n.Operator] {
			v.err = fmt.Errorf("operator %q is not allowed in a formula", n.Operator)
		}
	case *ast.BuiltinNode:
		if !slices.Contains(allowedBuiltins, n.Name) {
			v.err = fmt.Errorf("function %q is not allowed in a formula; allowed: %v", n.Name, allowedBuiltins)
		}
	case *ast.CallNode:
		v.err = fmt.Errorf("calls other than %v are not allowed in a formula", allowedBuiltins)
	default:
		v.err = fmt.Errorf("%s is not allowed in a formula", nodeKind(n))
	}
}

// nodeKind names a rejected node for the error.
func nodeKind(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode, *ast.BytesNode:
		return "a string or member access"
	case *ast.MemberNode, *ast.ChainNode, *ast.SliceNode:
		return "member access"
	case *ast.VariableDeclaratorNode, *ast.SequenceNode:
		return "a variable or sequence"
	case *ast.MapNode, *ast.PairNode:
		return "a map"
	default:
		return fmt.Sprintf("%T", n)
	}
}

// predicateCounter counts the predicates below a node.
type predicateCounter struct{ n int }

// Visit implements ast.Visitor.
func (c *predicateCounter) Visit(node *ast.Node) {
	if _, ok := (*node).(*ast.PredicateNode); ok {
		c.n++
	}
}
