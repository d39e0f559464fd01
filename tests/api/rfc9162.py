"""RFC 9162 section 2.1, written from the RFC for the tests: an implementation
independent of the C one. hash_name is "sha256" (intl) or "sm3" (gm)."""
import hashlib


class Tree:
    def __init__(self, hash_name):
        self.hash_name = hash_name

    def h(self, data):
        return hashlib.new(self.hash_name, data).digest()

    def leaf(self, entry):
        return self.h(b"\x00" + entry)

    def node(self, left, right):
        return self.h(b"\x01" + left + right)

    def mth(self, leaf_hashes):
        """MTH over leaf hashes (not entries), by the RFC's recursive definition."""
        n = len(leaf_hashes)
        if n == 0:
            return self.h(b"")
        if n == 1:
            return leaf_hashes[0]
        k = 1
        while k * 2 < n:
            k *= 2
        return self.node(self.mth(leaf_hashes[:k]), self.mth(leaf_hashes[k:]))

    def verify_inclusion(self, index, size, leaf_hash, proof, root):
        """RFC 9162 2.1.3.2."""
        if index >= size:
            return False
        fn, sn = index, size - 1
        r = leaf_hash
        for p in proof:
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                r = self.node(p, r)
                if not fn & 1:
                    while fn & 1 == 0 and fn != 0:
                        fn >>= 1
                        sn >>= 1
            else:
                r = self.node(r, p)
            fn >>= 1
            sn >>= 1
        return sn == 0 and r == root

    def verify_consistency(self, first, second, first_root, second_root, proof):
        """RFC 9162 2.1.4.2."""
        if first == 0 or first > second:
            return False
        if first == second:
            return not proof and first_root == second_root
        if first & (first - 1) == 0:  # a power of two: the old root starts the path
            proof = [first_root] + list(proof)
        if not proof:
            return False
        fn, sn = first - 1, second - 1
        while fn & 1:
            fn >>= 1
            sn >>= 1
        fr = sr = proof[0]
        for c in proof[1:]:
            if sn == 0:
                return False
            if fn & 1 or fn == sn:
                fr = self.node(c, fr)
                sr = self.node(c, sr)
                if not fn & 1:
                    while fn & 1 == 0 and fn != 0:
                        fn >>= 1
                        sn >>= 1
            else:
                sr = self.node(sr, c)
            fn >>= 1
            sn >>= 1
        return fr == first_root and sr == second_root and sn == 0
