package certs

import (
	"bytes"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Policy says how long certificates live and when they are replaced.
type Policy struct {
	// Names are the DNS names of the serving certificate. Empty in Renew
	// keeps the names of the current certificate.
	Names []string
	// CAName is the common name of a new CA.
	CAName string
	// CALifetime and ServingLifetime are the validity of new certificates;
	// a serving certificate never outlives its CA.
	CALifetime, ServingLifetime time.Duration
	// RenewBefore replaces a serving certificate that expires sooner than
	// this; CARenewBefore does the same for the CA. CARenewBefore should be
	// at least ServingLifetime, so that every serving certificate gets its
	// full lifetime.
	RenewBefore, CARenewBefore time.Duration
}

// DefaultPolicy is a 10-year CA replaced in its last year and 1-year
// serving certificates replaced 30 days before they expire.
func DefaultPolicy(caName string, names []string) Policy {
	return Policy{
		Names:           names,
		CAName:          caName,
		CALifetime:      10 * 365 * 24 * time.Hour,
		ServingLifetime: 365 * 24 * time.Hour,
		RenewBefore:     30 * 24 * time.Hour,
		CARenewBefore:   365 * 24 * time.Hour,
	}
}

// New returns a fresh CA and a serving certificate for p.Names.
func New(p Policy, now time.Time) (*Bundle, error) {
	if len(p.Names) == 0 {
		return nil, errors.New("no DNS names for the serving certificate")
	}
	return renew(&Bundle{}, p, now)
}

// Renew returns the material that replaces b at now, and why; nil and ""
// when b stays as it is. The serving certificate is replaced when it does
// not verify for p.Names (the current certificate's names when empty) or
// expires within p.RenewBefore. It is signed by the current CA when its
// key is kept; otherwise, or when the CA expires within p.CARenewBefore,
// a new CA comes first, alone: the old CA stays in the bundle until it
// expires, and the serving certificate is replaced at the next call (at
// once only when the current one no longer serves at all). So a rotation
// takes two steps, and whoever writes the result must publish the bundle
// between them. Expired CAs leave the bundle.
func Renew(b *Bundle, p Policy, now time.Time) (*Bundle, string, error) {
	if len(p.Names) == 0 {
		leaf, err := b.Leaf()
		if err != nil {
			return nil, "", fmt.Errorf("names of the current certificate: %w", err)
		}
		if len(leaf.DNSNames) == 0 {
			return nil, "", errors.New("names of the current certificate: it has none")
		}
		p.Names = leaf.DNSNames
	}
	next, err := renew(b, p, now)
	if err != nil {
		return nil, "", err
	}
	var why []string
	if !bytes.Equal(next.CAKey, b.CAKey) {
		why = append(why, "new CA: "+caReason(b, p, now))
	} else if !sameCerts(next.CA, b.CA) {
		why = append(why, "expired CA removed from the bundle")
	}
	if !bytes.Equal(next.Cert, b.Cert) {
		if err := b.Check(p.Names, now, p.RenewBefore); err != nil {
			why = append(why, "new serving certificate: "+err.Error())
		} else {
			why = append(why, "new serving certificate: signed by the new CA")
		}
	} else if len(why) > 0 && b.Check(p.Names, now, p.RenewBefore) != nil {
		why = append(why, "the serving certificate follows at the next renewal, once kube-apiserver trusts the new CA")
	}
	if len(why) == 0 {
		return nil, "", nil
	}
	return next, strings.Join(why, "; "), nil
}

// renew builds the material that should replace b (b itself, field for
// field, when nothing is due).
func renew(b *Bundle, p Policy, now time.Time) (*Bundle, error) {
	cas := parseCerts(b.CA)
	next := &Bundle{CAKey: b.CAKey, Cert: b.Cert, Key: b.Key}
	servingOK := b.Check(p.Names, now, p.RenewBefore) == nil
	servingUsable := servingOK || b.Check(p.Names, now, 0) == nil
	ca := currentCA(b, cas, p, now)
	if ca == nil && servingOK && len(cas) > 0 && cas[0].IsCA && cas[0].NotAfter.Sub(now) >= p.CARenewBefore {
		// No key to sign with (material from before renewal existed, or
		// supplied by someone else) but nothing to sign yet: the CA stays
		// until the serving certificate is due.
		next.CA = b.CA
		return next, nil
	}
	if ca == nil {
		fresh, err := newCA(p.CAName, now, p.CALifetime)
		if err != nil {
			return nil, err
		}
		if next.CAKey, err = fresh.KeyPEM(); err != nil {
			return nil, err
		}
		ca = fresh
		cas = append([]*x509.Certificate{fresh.Cert}, cas...)
	}
	for _, c := range cas {
		if c.Equal(ca.Cert) || now.Before(c.NotAfter) {
			next.CA = append(next.CA, certPEMOf(c.Raw)...)
		}
	}
	// A new CA comes alone while the current certificate still serves:
	// kube-apiserver must trust the new CA (the caBundle holds both) before
	// any replica serves a certificate it signed, so that certificate
	// follows at the next renewal.
	newCA := !bytes.Equal(next.CAKey, b.CAKey)
	if (newCA && !servingUsable) || (!newCA && !servingOK) {
		var err error
		if next.Cert, next.Key, err = issueServing(ca, p.Names, now, p.ServingLifetime); err != nil {
			return nil, err
		}
	}
	return next, nil
}

// currentCA returns the first CA of the bundle with its key when the key
// matches and the CA lasts past p.CARenewBefore; nil when a new CA is due.
func currentCA(b *Bundle, cas []*x509.Certificate, p Policy, now time.Time) *KeyPair {
	if caReason(b, p, now) != "" {
		return nil
	}
	key, _ := parseKey(b.CAKey)
	return &KeyPair{Cert: cas[0], Key: key}
}

// caReason says why b needs a new CA, or "".
func caReason(b *Bundle, p Policy, now time.Time) string {
	cas := parseCerts(b.CA)
	key, err := parseKey(b.CAKey)
	switch {
	case len(cas) == 0:
		return "no CA certificate"
	case err != nil:
		return "no usable CA key"
	case !cas[0].IsCA:
		return "the first certificate of the bundle is not a CA"
	case !matches(key, cas[0].PublicKey):
		return "the CA key does not match the CA certificate"
	case cas[0].NotAfter.Sub(now) < p.CARenewBefore:
		return "the CA expires on " + cas[0].NotAfter.UTC().Format(time.DateOnly)
	}
	return ""
}

// Check returns nil when b's serving certificate can serve names at now:
// the key matches the certificate, the bundle verifies it for every name,
// and it expires no sooner than renewBefore after now. Otherwise the error
// says why a new certificate is needed.
func (b *Bundle) Check(names []string, now time.Time, renewBefore time.Duration) error {
	if _, err := tls.X509KeyPair(b.Cert, b.Key); err != nil {
		return fmt.Errorf("certificate and key: %w", err)
	}
	cert, err := b.Leaf()
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(b.CA) {
		return errors.New("no CA certificate")
	}
	for _, name := range names {
		if !slices.Contains(cert.DNSNames, name) {
			return fmt.Errorf("certificate is not for %s", name)
		}
	}
	opts := x509.VerifyOptions{Roots: roots, DNSName: names[0], CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if _, err := cert.Verify(opts); err != nil {
		return fmt.Errorf("verify certificate: %w", err)
	}
	if left := cert.NotAfter.Sub(now); left < renewBefore {
		return fmt.Errorf("certificate expires in %s, on %s", left.Truncate(time.Hour), cert.NotAfter.UTC().Format(time.DateOnly))
	}
	return nil
}

// Leaf parses the first certificate of b.Cert.
func (b *Bundle) Leaf() (*x509.Certificate, error) {
	return LeafOf(b.Cert)
}

// LeafOf parses the first certificate of a PEM chain.
func LeafOf(chain []byte) (*x509.Certificate, error) {
	certs := parseCerts(chain)
	if len(certs) == 0 {
		return nil, errors.New("no certificate")
	}
	return certs[0], nil
}

// parseCerts returns every certificate of a PEM bundle that parses.
func parseCerts(data []byte) []*x509.Certificate {
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return out
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil {
			out = append(out, c)
		}
	}
}

// parseKey parses a PEM private key in PKCS #8, SEC 1 (ECDSA, as Sluice
// writes) or PKCS #1 (RSA, as Helm's genCA writes) form.
func parseKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM key")
	}
	var key any
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		if key, err = x509.ParseECPrivateKey(block.Bytes); err != nil {
			if key, err = x509.ParsePKCS1PrivateKey(block.Bytes); err != nil {
				return nil, errors.New("parse key: not PKCS #8, SEC 1 or PKCS #1")
			}
		}
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errors.New("parse key: not a signing key")
	}
	return signer, nil
}

// matches reports whether key is the private key of pub.
func matches(key crypto.Signer, pub crypto.PublicKey) bool {
	k, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(pub)
}

// sameCerts reports whether two PEM bundles hold the same certificates in
// the same order.
func sameCerts(a, b []byte) bool {
	return slices.EqualFunc(parseCerts(a), parseCerts(b), func(x, y *x509.Certificate) bool { return x.Equal(y) })
}
