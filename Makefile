# make deb: the Debian package into dist/ (cmd/edge-setup-deb, config in deploy/debian).
.PHONY: deb
deb:
	cd cmd/edge-setup-deb && go run . -repo ../.. -o ../../dist
