# Exercises the whole API of Perl's Config::Augeas (Debian's libconfig-augeas-perl, an XS
# module linked against libaugeas.so.0), in the style of its SYNOPSIS, and prints what each
# call gave. The test runs it on the real library and on aug-rs's and compares the output.
#
# Usage: perl config_augeas.pl ROOT   (ROOT: a scratch copy of testroot/)
use strict;
use warnings;
use Config::Augeas;

my $root = shift @ARGV or die "usage: config_augeas.pl ROOT\n";
$| = 1;

sub fmt {
    my ($v) = @_;
    return 'undef' unless defined $v;
    return '[' . join(', ', map { fmt($_) } @$v) . ']' if ref $v eq 'ARRAY';
    return '{' . join(', ', map { "$_ => " . fmt($v->{$_}) } sort keys %$v) . '}' if ref $v eq 'HASH';
    $v =~ s/\Q$root\E/ROOT/g;
    $v =~ s/\n/\\n/g;
    return "'$v'";
}

my $aug;
sub show {
    my ($what, $f) = @_;
    my @r = eval { $f->() };
    if ($@) {
        my $e = $@;
        $e =~ s/ at \S+ line \d+\.?\n?//;
        print "$what died: $e\n";
        return;
    }
    print "$what -> ", fmt(@r == 1 ? $r[0] : \@r), "\n";
    my $code = $aug->error;
    if (defined $code && $code ne 'noerror') {
        print "  error ", fmt($code), ": ", fmt($aug->error_message), " | ",
            fmt($aug->error_minor_message), " | ", fmt($aug->error_details), "\n";
    }
}

$aug = Config::Augeas->new(root => $root);
show('get', sub { $aug->get('/files/etc/hosts/1/ipaddr') });
show('get missing', sub { $aug->get('/files/etc/hosts/99/ipaddr') });
show('get several', sub { $aug->get('/files/etc/hosts/*/ipaddr') });
show('get bad path', sub { $aug->get('/files/etc/hosts/1/ipaddr[') });
show('match', sub { [ $aug->match("/files/etc/hosts/*[ipaddr =~ regexp('10\\..*')]") ] });
show('match none', sub { [ $aug->match('/files/nothing') ] });
show('count_match', sub { $aug->count_match('/files/etc/passwd/*') });
show('count_match bad', sub { $aug->count_match('/files[') });
show('set', sub { $aug->set('/files/etc/hosts/1/alias[last()+1]', 'pl-alias') });
show('set several', sub { $aug->set('/files/etc/hosts/*/ipaddr', '1.1.1.1') });
show('defvar', sub { $aug->defvar('h', '/files/etc/hosts/*[ipaddr]') });
show('defvar bad', sub { $aug->defvar('b', '/files[') });
show('count $h', sub { $aug->count_match('$h') });
show('defnode', sub { $aug->defnode('n', '/pl/node', 'made') });
show('defnode again', sub { $aug->defnode('n', '/pl/node', 'again') });
show('get $n', sub { $aug->get('$n') });
show('list', sub { $aug->set('/pl/list/b', '2') });
show('insert before', sub { $aug->insert('a', 'before', '/pl/list/b') });
show('insert after', sub { $aug->insert('c', 'after', '/pl/list/b') });
show('insert several', sub { $aug->insert('x', 'after', '/files/etc/hosts/*') });
show('children', sub { [ $aug->match('/pl/list/*') ] });
show('remove', sub { $aug->remove('/pl/list') });
show('rm none', sub { $aug->rm('/nothing') });
show('move', sub { $aug->move('/pl/node', '/pl/moved') });
show('move missing', sub { $aug->move('/pl/nothing', '/pl/x') });
show('move into self', sub { $aug->mv('/pl/moved', '/pl/moved/x') });
show('rename', sub { $aug->rename('/pl/moved', 'renamed') });
show('rename bad', sub { $aug->rename('/pl/renamed', 'a/b') });
show('raw', sub { $aug->set('/raw/hosts', "192.168.0.1 gw router\n") });
show('text_store', sub { $aug->text_store('Hosts.lns', '/raw/hosts', '/parsed') });
show('parsed', sub { $aug->get('/parsed/1/canonical') });
show('text_store bad lens', sub { $aug->text_store('Nope.lns', '/raw/hosts', '/p2') });
show('text_retrieve', sub { $aug->text_retrieve('Hosts.lns', '/raw/hosts', '/parsed', '/out') });
show('out', sub { $aug->get('/out') });
show('text_retrieve missing', sub { $aug->text_retrieve('Hosts.lns', '/raw/nothing', '/parsed', '/out') });
print "print:\n";
show('print', sub { $aug->print('/files/etc/hosts/1') });
my $file = "$root/print.out";
show('print to file', sub { $aug->print('/files/etc/passwd/root', $file) });
show('printed', sub { open(my $fh, '<', $file) or die; local $/; <$fh> });
print "srun:\n";
show('srun', sub { $aug->srun("get /files/etc/hosts/1/canonical\nmatch /files/etc/hosts/1/*\n") });
show('srun error', sub { $aug->srun("get /x\nnosuchcommand\n") });
show('srun to file', sub { $aug->srun("print /files/etc/hosts/2", $file) });
show('printed', sub { open(my $fh, '<', $file) or die; local $/; <$fh> });
unlink $file;
show('save', sub { $aug->save });
show('hosts line', sub { open(my $fh, '<', "$root/etc/hosts") or die; my @l = <$fh>; $l[3] });
show('set bad uid', sub { $aug->set('/files/etc/passwd/root/uid', 'abc') });
show('save failing', sub { $aug->save });
show('error node', sub { $aug->get('/augeas/files/etc/passwd/error') });
show('load', sub { $aug->load });
show('uid after load', sub { $aug->get('/files/etc/passwd/root/uid') });

my $spans = Config::Augeas->new(root => $root, enable_span => 1);
$aug = $spans;
show('span', sub { $spans->span('/files/etc/hosts/1/ipaddr') });
# Without span information the binding leaves the numbers uninitialised: only the missing
# file name means something.
show('span missing', sub { defined $spans->span('/files/nothing')->{filename} });
show('span none', sub { defined $spans->span('/augeas')->{filename} });

for my $opts ([], [save => 'backup'], [save => 'newfile'], [save => 'noop'], [no_load => 1]) {
    $aug = Config::Augeas->new(root => $root, @$opts);
    my $name = join('=', @$opts) || 'defaults';
    show("$name save mode", sub { $aug->get('/augeas/save') });
    show("$name files", sub { $aug->count_match('/files/etc/*') });
}
show('bad option', sub { Config::Augeas->new(root => $root, bogus => 1) });
