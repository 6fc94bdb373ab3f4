//! Access to the nodes of a node-set variable by position (`aug_ns_count`, `aug_ns_attr`,
//! `aug_ns_label`, `aug_ns_value`, `aug_ns_path`).

use super::{Augeas, Error};
use crate::error::ErrorCode;
use crate::path::Value;
use crate::print::node_path;
use crate::tree::NodeId;

/// What [`Augeas::ns_attr`] returns about one node of a node-set variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeAttr {
    /// The node's value.
    pub value: Option<String>,
    /// The node's label (`None` for a hidden node).
    pub label: Option<String>,
    /// The file node the node belongs to (`/files/etc/hosts`), as [`Augeas::source`] gives.
    pub file: Option<String>,
}

impl Augeas {
    /// The nodes of the variable `var`, which must hold a node set.
    fn ns_nodes(&self, var: &str) -> Result<&[NodeId], Error> {
        match self.vars.get(var) {
            Some(Value::NodeSet(nodes)) => Ok(nodes),
            Some(_) => Err(Error::new(
                ErrorCode::NoMatch,
                None,
                Some(format!("Variable {var} is not a node set")),
            )),
            None => Err(Error::new(
                ErrorCode::NoMatch,
                None,
                Some(format!("Variable {var} is not defined")),
            )),
        }
    }

    /// How many nodes the node-set variable `var` holds (`aug_ns_count`).
    pub fn ns_count(&self, var: &str) -> Result<usize, Error> {
        Ok(self.ns_nodes(var)?.len())
    }

    /// The `i`-th node (0-based) of the node-set variable `var`. Fails with `NoMatch` when
    /// the variable is not a node set, has fewer nodes, or the node was removed since.
    pub fn ns_node(&self, var: &str, i: usize) -> Result<NodeId, Error> {
        self.ns_nodes(var)
            .ok()
            .and_then(|nodes| nodes.get(i).copied())
            .filter(|&n| self.tree.contains(n))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::NoMatch,
                    None,
                    Some(format!("Node {var}[{i}] does not exist")),
                )
            })
    }

    /// The value of the `i`-th node of `var` (`aug_ns_value`).
    pub fn ns_value(&self, var: &str, i: usize) -> Result<Option<String>, Error> {
        let n = self.ns_node(var, i)?;
        Ok(self.tree.value(n).map(str::to_owned))
    }

    /// The label of the `i`-th node of `var`, and its 1-based position among the siblings
    /// with the same label, or 0 when no sibling shares it (`aug_ns_label`).
    pub fn ns_label(&self, var: &str, i: usize) -> Result<(Option<String>, usize), Error> {
        let n = self.ns_node(var, i)?;
        let label = self.tree.label(n);
        let index = match (label, self.tree.parent(n)) {
            (Some(l), Some(p)) => {
                let same: Vec<NodeId> = self
                    .tree
                    .children(p)
                    .iter()
                    .copied()
                    .filter(|&c| self.tree.label(c) == Some(l))
                    .collect();
                if same.len() > 1 {
                    same.iter().position(|&c| c == n).map_or(0, |p| p + 1)
                } else {
                    0
                }
            }
            _ => 0,
        };
        Ok((label.map(str::to_owned), index))
    }

    /// Value, label and file node of the `i`-th node of `var` (`aug_ns_attr`).
    pub fn ns_attr(&self, var: &str, i: usize) -> Result<NodeAttr, Error> {
        let n = self.ns_node(var, i)?;
        Ok(NodeAttr {
            value: self.tree.value(n).map(str::to_owned),
            label: self.tree.label(n).map(str::to_owned),
            file: self.tree.file_of(n).and_then(|f| node_path(&self.tree, f)),
        })
    }

    /// The path of the `i`-th node of `var`, as [`Augeas::matches`] writes it
    /// (`aug_ns_path`). `None` for a hidden node.
    pub fn ns_path(&self, var: &str, i: usize) -> Result<Option<String>, Error> {
        let n = self.ns_node(var, i)?;
        Ok(node_path(&self.tree, n))
    }
}
