package kafka

import "errors"

var (
	errNoPEMKey       = errors.New("key holds no PEM block")
	errBadKeyPassword = errors.New("cannot decrypt key with it")
)
